//===- ExprString.h - print an expression as gc does in diagnostics --------===//
//
// gc (types2) quotes operands in its messages in a short form of the source:
// `x + y`, `f(a, b)`, `[]int{…}`, `func() {…}`. This reproduces that form
// from the AST (the parser keeps literals exactly as written).
//===----------------------------------------------------------------------===//
#ifndef GLC_SEMA_EXPRSTRING_H
#define GLC_SEMA_EXPRSTRING_H

#include "parse/AST.h"

#include <string>

namespace glc {

std::string shortExprString(const Expr *e);
/// The spelling of an operator token: "+", "<<", "&^", "<-".
std::string opString(TokKind k);

} // namespace glc

#endif // GLC_SEMA_EXPRSTRING_H
