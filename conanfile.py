"""Conan 2 recipe of libbgprogress, the C library of bgprogress (built from this repository
with cargo; no download beyond the Rust toolchain and the crates of Cargo.lock that cargo
already has or fetches).

    conan create . -o "&:shared=True"     # or shared=False

Linux: packaging/stage-lib.sh, as `make`, gives libbgprogress.so.0.y (SONAME, versioned
symbols) and libbgprogress.a. Windows with a mingw (gcc) profile: packaging/stage-windows.sh,
as `make windows`, gives bgprogress.dll with libbgprogress.dll.a and bgprogress.lib, or
libbgprogress.a. Consumers use CMakeDeps (find_package(bgprogress), target
bgprogress::bgprogress) or PkgConfigDeps (bgprogress).
"""
import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.files import copy, load
from conan.tools.layout import basic_layout


class BgprogressConan(ConanFile):
    name = "bgprogress"
    description = "BITS / Delivery Optimization job progress (BG_JOB_PROGRESS) helpers"
    license = "MIT OR Apache-2.0"
    homepage = "https://docs.rs/bgprogress"
    topics = ("bits", "progress", "windows", "ffi")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"shared": [True, False]}
    default_options = {"shared": True}
    exports_sources = (
        "Cargo.toml", "Cargo.lock", "LICENSE-*", "crates/*", "c-tests/*", "tools/*",
        "include/*", "packaging/*",
    )

    def set_version(self):
        text = load(self, os.path.join(self.recipe_folder, "Cargo.toml"))
        self.version = re.search(r'^version = "([^"]+)"', text, re.M).group(1)

    def configure(self):
        # A C library: no C++ standard library in its interface.
        self.settings.rm_safe("compiler.libcxx")
        self.settings.rm_safe("compiler.cppstd")

    def validate(self):
        if self.settings.os not in ("Linux", "Windows"):
            raise ConanInvalidConfiguration("bgprogress's recipe builds for Linux and Windows")
        if self.settings.os == "Windows" and self.settings.compiler == "msvc" and not self.options.shared:
            raise ConanInvalidConfiguration(
                "a static bgprogress for MSVC needs the MSVC Rust target; use shared=True")

    def layout(self):
        basic_layout(self, src_folder=".")

    def _windows_arch(self):
        return {"x86_64": "x86_64", "x86": "i686"}[str(self.settings.arch)]

    def build(self):
        staged = os.path.join(self.build_folder, "staged")
        if self.settings.os == "Windows":
            self.run(f"packaging/stage-windows.sh {self._windows_arch()} {staged} {self.version}",
                     cwd=self.source_folder)
        else:
            self.run(f"packaging/stage-lib.sh {staged} {self.version}", cwd=self.source_folder)

    def package(self):
        staged = os.path.join(self.build_folder, "staged")
        copy(self, "LICENSE-*", self.source_folder, os.path.join(self.package_folder, "licenses"))
        copy(self, "bgprogress.h", os.path.join(self.source_folder, "include"),
             os.path.join(self.package_folder, "include"))
        lib = os.path.join(self.package_folder, "lib")
        if self.settings.os == "Windows":
            if self.options.shared:
                copy(self, "bgprogress.dll", os.path.join(staged, "bin"),
                     os.path.join(self.package_folder, "bin"))
                copy(self, "bgprogress.lib", os.path.join(staged, "lib"), lib)
                copy(self, "libbgprogress.dll.a", os.path.join(staged, "lib"), lib)
            else:
                copy(self, "libbgprogress.a", os.path.join(staged, "lib"), lib)
        elif self.options.shared:
            copy(self, "libbgprogress.so*", os.path.join(staged, "lib"), lib)
        else:
            copy(self, "libbgprogress.a", os.path.join(staged, "lib"), lib)

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "bgprogress")
        self.cpp_info.set_property("cmake_target_name", "bgprogress::bgprogress")
        self.cpp_info.set_property("pkg_config_name", "bgprogress")
        self.cpp_info.libs = ["bgprogress"]
        if not self.options.shared:
            if self.settings.os == "Windows":
                self.cpp_info.defines = ["BGPROGRESS_STATIC"]
                self.cpp_info.system_libs = ["kernel32", "ntdll", "userenv", "ws2_32", "dbghelp"]
            else:
                self.cpp_info.system_libs = ["pthread", "dl", "m"]
