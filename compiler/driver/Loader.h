//===- Loader.h - finds, parses and orders the packages of a program --------===//
//
// See the essay at the top of Loader.cpp for the rules.
//===----------------------------------------------------------------------===//
#ifndef GLC_DRIVER_LOADER_H
#define GLC_DRIVER_LOADER_H

#include "basic/Diagnostics.h"
#include "parse/AST.h"

#include "llvm/Support/SourceMgr.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace glc {

class Loader {
public:
  Loader(llvm::SourceMgr &sm, ASTContext &ast, DiagEngine &diags, std::string stdlibRoot)
      : sm(sm), ast(ast), diags(diags), stdlibRoot(std::move(stdlibRoot)) {}

  /// Loads the command named by `args` (one directory, or .gl/.go files of
  /// one package) and everything it imports. On success `order` holds the
  /// packages in initialisation order, package main last. On failure the
  /// errors are reported (through diags, or on stderr for errors without
  /// a source position) and it returns false.
  bool load(const std::vector<std::string> &args);

  std::vector<Package *> order;

  /// <dir of glc>/../lib/glc/stdlib, or $GLC_STDLIB.
  static std::string defaultStdlibRoot(const std::string &glcPath);

private:
  llvm::SourceMgr &sm;
  ASTContext &ast;
  DiagEngine &diags;
  std::string stdlibRoot;
  std::string modulePath, moduleRoot; // from the nearest go.mod, if any
  std::vector<std::unique_ptr<Package>> store;
  std::map<std::string, Package *> byPath;
  std::string mainDisplayPath; // "command-line-arguments" or the import path of the dir

  bool findModule(const std::string &dir);
  bool parseFiles(Package *pkg, const std::vector<std::string> &files);
  std::vector<std::string> packageFiles(const std::string &dir);
  /// The directory of import path `path`, std or module; "" if none.
  std::string resolve(const std::string &path, bool &isStd);
  Package *loadImport(const std::string &path, ImportSpec *from);
  bool loadImports(Package *pkg);
  bool orderPackages();
};

} // namespace glc

#endif // GLC_DRIVER_LOADER_H
