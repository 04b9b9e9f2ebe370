//===- Checker.h - the GL type checker's entry point ------------------------===//
//
// checkFile resolves every identifier of a parsed file, computes the type
// (and, for constants, the value) of every expression, and fills the AST
// fields marked "sema:" (see parse/AST.h). Errors go to `diags` with gc's
// (go1.19) wording. It returns true iff it reported no error; irgen may only
// run on a file it accepted.
//
// Annotations beyond those documented in AST.h/Types.h:
//  - A qualified identifier pkg.X (SelectorExpr whose x has mode Package)
//    has sel->obj = the member of the imported package; calls of package
//    functions are ordinary CallKind::Regular calls.
//  - `nil` operands get the type of the context they are used in (a slice,
//    func or chan type), mode Value; comparisons `x == nil` give the nil
//    operand x's type.
//  - BranchStmt::target of a `fallthrough` is the CaseClause it continues in.
//  - Conversions T(x): CallExpr::type is T, args[0] keeps its own type
//    (an untyped constant argument is converted to T itself).
//  - An expression with mode Constant carries its final value in constVal;
//    emit that and do not descend into it (operands of constant
//    comparisons, for instance, keep untyped types).
//  - println(f()) with a multi-value f: the single argument has a
//    TupleType.
//  - `v, ok := <-c` / `v, ok = <-c`: the receive keeps mode CommaOk.
//  - File::initOrder lists each ValueSpec with initialisers once (all its
//    names are initialised together), or once per name when it has one
//    value per name (File::initIndex); zero-initialised specs are omitted.
//  - Package-level and local var names (ValueSpec::names) have their
//    Ident::type set; the names of `:=` and range `:=` too.
//  - Methods (Methods.cpp): FuncDecl::name->obj is the method's Func
//    object (not in any scope), attached to NamedType::methods; its
//    FuncInfo::recv is the receiver variable and FuncInfo::name Go's
//    symbol (main.T.M, main.(*T).M). A selector x.M of a declared method
//    has sel->obj = the method and `path` to the receiver (the call stays
//    CallKind::Regular); T.M / (*T).M sets SelectorExpr::methodExpr and
//    the selector's type is the func with the receiver first.
//  - FuncInfo::name: Go's symbol names (main.f, main.main.func1,
//    main.main.func1.1, main.glob..func1 in package initialisers,
//    main.init.0 for init functions).
//===----------------------------------------------------------------------===//
#ifndef GLC_SEMA_CHECKER_H
#define GLC_SEMA_CHECKER_H

#include "basic/Diagnostics.h"
#include "parse/AST.h"
#include "sema/Types.h"

namespace glc {

/// Checks one package whose imports have all been checked already (the
/// loader's order), then publishes its package-level objects as members of
/// pkg->path in `types` (TypeContext::addPackageMember), for the packages
/// that import it. Package::initOrder/inits are filled.
bool checkPackage(Package *pkg, TypeContext &types, DiagEngine &diags);

/// One file of package main on its own (unit tests, the fuzzer): wraps it
/// in a Package and copies initOrder/inits back to the File.
bool checkFile(File *file, TypeContext &types, DiagEngine &diags);

} // namespace glc

#endif // GLC_SEMA_CHECKER_H
