//===- Parser.h - GL (Go) parser --------------------------------------------===//
//
// parseFile reads one source buffer and builds the AST (AST.h) for it. The
// grammar is Go's (no generics); syntax errors are reported through the
// DiagEngine with gc's (go1.19) wording and positions, e.g.
//
//   x.gl:5:3: syntax error: unexpected newline in argument list; possibly missing comma or )
//
// Like gc, the parser reports at most one syntax error per source line,
// drops follow-on syntax errors at EOF, and recovers at statement and
// declaration boundaries so later errors are still found. It terminates on
// any input (binary garbage, truncated files) and never crashes.
//
// The returned File is never null; after errors it may be partial and contain
// BadExpr/BadStmt nodes. Callers must not run sema on a file with errors.
//===----------------------------------------------------------------------===//
#ifndef GLC_PARSE_PARSER_H
#define GLC_PARSE_PARSER_H

#include "basic/Diagnostics.h"
#include "parse/AST.h"

#include "llvm/Support/SourceMgr.h"

namespace glc {

/// If `numSyntaxErrors` is given, it receives the number of "syntax error"
/// diagnostics reported. gc stops after parsing only if there were syntax
/// errors; after other parse-phase errors (lexical errors, "method has no
/// receiver", "expression in go must be function call", ...) it still
/// type-checks and reports type errors too.
File *parseFile(llvm::SourceMgr &sm, unsigned bufferID, ASTContext &ctx, DiagEngine &diags,
                unsigned *numSyntaxErrors = nullptr);

} // namespace glc

#endif // GLC_PARSE_PARSER_H
