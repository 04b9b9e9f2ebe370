//===- ASTDump.h - printing the AST -----------------------------------------===//
//
// dumpAST writes an indented S-expression form of a File, one node per line:
//
//   (File main
//     (FuncDecl main
//       (FuncType)
//       (Block
//         (ExprStmt
//           (Call (Ident println) (BasicLit Int 1))))))
//
// exprString/stmtString (Go syntax, for diagnostics) are in ASTUtil.h.
//===----------------------------------------------------------------------===//
#ifndef GLC_PARSE_ASTDUMP_H
#define GLC_PARSE_ASTDUMP_H

#include "parse/AST.h"
#include "parse/ASTUtil.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace glc {

void dumpAST(const File *f, llvm::raw_ostream &os);
void dumpExpr(const Expr *e, llvm::raw_ostream &os, unsigned indent = 0);
void dumpStmt(const Stmt *s, llvm::raw_ostream &os, unsigned indent = 0);

} // namespace glc

#endif // GLC_PARSE_ASTDUMP_H
