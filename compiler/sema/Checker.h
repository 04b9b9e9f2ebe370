//===- Checker.h - the GL type checker's entry point ------------------------===//
//
// checkFile resolves every identifier of a parsed file, computes the type
// (and, for constants, the value) of every expression, and fills the AST
// fields marked "sema:" (see parse/AST.h). Errors go to `diags` with gc's
// (go1.19) wording. It returns true iff it reported no error; irgen may only
// run on a file it accepted.
//
// Annotations beyond those documented in AST.h/Types.h:
//  - Calls of package functions (os.Exit, runtime.Gosched, ...) have
//    CallKind::Builtin; the callee's Object (SelectorExpr::sel->obj) is an
//    ObjKind::Func whose `builtin` says which one.
//  - `nil` operands get the type of the context they are used in (a slice,
//    func or chan type), mode Value; comparisons `x == nil` give the nil
//    operand x's type.
//  - BranchStmt::target of a `fallthrough` is the CaseClause it continues in.
//  - Conversions T(x): CallExpr::type is T, args[0] keeps its own type
//    (an untyped constant argument is converted to T itself).
//===----------------------------------------------------------------------===//
#ifndef GLC_SEMA_CHECKER_H
#define GLC_SEMA_CHECKER_H

#include "basic/Diagnostics.h"
#include "parse/AST.h"
#include "sema/Types.h"

namespace glc {

bool checkFile(File *file, TypeContext &types, DiagEngine &diags);

} // namespace glc

#endif // GLC_SEMA_CHECKER_H
