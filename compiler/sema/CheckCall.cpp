//===- CheckCall.cpp - calls, conversions, builtins -------------------------===//
//
// A CallExpr is one of three things, decided by its callee's mode:
//   T(x)        a conversion (CallKind::Conversion), callee is a type;
//   len(x) ...  a builtin (CallKind::Builtin), including package functions
//               such as os.Exit that the runtime implements;
//   f(a, b)     a regular call (CallKind::Regular) of a func-typed value.
// Argument checking follows types2's `arguments`: one multi-value call may
// supply all arguments (f(g())), variadic calls, and gc's
// "not enough/too many arguments ... have (...) want (...)" messages.
//===----------------------------------------------------------------------===//
#include "sema/CheckerImpl.h"
#include "parse/ASTUtil.h"

#include "lex/Lexer.h"

using namespace glc;
using constfold::Status;

namespace glc {
llvm::SMLoc exprStart(Expr *e);
}

std::string Checker::typesSummary(const std::vector<Type *> &ts,
                                  const std::vector<Expr *> *exprs, bool variadic) {
  std::string r = "(";
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i)
      r += ", ";
    Type *t = ts[i];
    if (!t) {
      r += "invalid type";
      continue;
    }
    if (t->isUntyped()) {
      if (t->isNumeric())
        r += "number";
      else {
        std::string s = typeString(t);
        r += s.substr(s.find(' ') + 1);
      }
      continue;
    }
    if (variadic && i + 1 == ts.size()) {
      if (auto *s = llvm::dyn_cast<SliceType>(t)) {
        r += "..." + typeString(s->elem);
        continue;
      }
    }
    r += typeString(t);
  }
  return r + ")";
}

bool Checker::arguments(CallExpr *c, FuncType *sig, llvm::function_ref<std::string()> fname) {
  // Evaluate the arguments; a single multi-value call supplies several.
  std::vector<Type *> argTypes;
  std::vector<Expr *> argExprs; // null entries for tuple components
  bool tuple = false, bad = false;
  if (c->args.size() == 1 && !c->hasEllipsis) {
    multiExpr(c->args[0]);
    Expr *a = c->args[0];
    if (a->mode == ExprMode::Invalid) {
      bad = true;
    } else if (auto *tt = llvm::dyn_cast_or_null<TupleType>(a->type)) {
      tuple = true;
      for (Type *t : tt->elems) {
        argTypes.push_back(t);
        argExprs.push_back(nullptr);
      }
    } else {
      argTypes.push_back(a->type);
      argExprs.push_back(a);
    }
  } else {
    for (Expr *a : c->args) {
      expr(a);
      if (a->mode == ExprMode::Invalid)
        bad = true;
      argTypes.push_back(a->type);
      argExprs.push_back(a);
    }
  }
  if (bad)
    return false;

  size_t nargs = argTypes.size(), npars = sig->params.size();
  std::vector<Type *> params = sig->params;
  if (sig->variadic) {
    if (c->hasEllipsis) {
      if (c->args.size() == 1 && nargs > 1) {
        error(exprStart(c->args[0]), "cannot use ... with " + std::to_string(nargs) + "-valued " +
                                         shortExprString(c->args[0]));
        return false;
      }
    } else if (nargs + 1 >= npars) {
      Type *elem = llvm::cast<SliceType>(params.back())->elem;
      params.pop_back();
      while (params.size() < nargs)
        params.push_back(elem);
      npars = nargs;
    } else {
      --npars;
    }
  } else if (c->hasEllipsis) {
    error(exprStart(c), "cannot use ... in call to non-variadic " + fname());
    return false;
  }
  if (nargs != npars) {
    llvm::SMLoc at = exprStart(c); // no arguments: gc reports at the call
    std::string q = "not enough";
    if (nargs > npars) {
      q = "too many";
      at = tuple ? exprStart(c->args[0]) : exprStart(argExprs[npars]);
    } else if (nargs > 0) {
      at = tuple ? exprStart(c->args[0]) : exprStart(argExprs[nargs - 1]);
    }
    error(at, q + " arguments in call to " + fname() + "\n\thave " +
                  typesSummary(argTypes, nullptr, false) + "\n\twant " +
                  typesSummary(sig->params, nullptr, sig->variadic));
    return false;
  }
  auto context = [&] { return "argument to " + fname(); };
  if (tuple) {
    for (size_t i = 0; i < nargs; ++i) {
      Type *t = argTypes[i];
      bool ok = assignableType(t, params[i]);
      if (!ok) {
        error(exprStart(c->args[0]), "cannot use " + shortExprString(c->args[0]) + " (value of type " +
                                         typeString(t) + ") as type " + typeString(params[i]) +
                                         " in " + context());
        return false;
      }
    }
    return true;
  }
  bool ok = true;
  for (size_t i = 0; i < nargs; ++i)
    ok &= assignment(argExprs[i], params[i], llvm::function_ref<std::string()>(context));
  return ok;
}

void Checker::call(CallExpr *c, Type *hint) {
  exprOrType(c->fun);
  Expr *f = c->fun;
  switch (f->mode) {
  case ExprMode::Invalid:
    for (Expr *a : c->args)
      rawExpr(a, nullptr);
    return;
  case ExprMode::TypeExpr: {
    Type *t = f->type;
    if (c->args.size() != 1 || c->hasEllipsis) {
      for (Expr *a : c->args)
        expr(a);
      if (c->args.empty())
        error(c->rparen.isValid() ? c->rparen : c->pos,
              "missing argument in conversion to " + typeStr(t));
      else if (c->hasEllipsis)
        error(exprStart(c->args[0]), "invalid use of ... in conversion to " + typeStr(t));
      else
        error(exprStart(c->args[1]), "too many arguments in conversion to " + typeStr(t));
      return;
    }
    conversion(c, t);
    return;
  }
  case ExprMode::Builtin: {
    Object *b = nullptr;
    if (auto *id = llvm::dyn_cast<Ident>(f))
      b = id->obj;
    else if (auto *p = llvm::dyn_cast<ParenExpr>(f))
      if (auto *id = llvm::dyn_cast<Ident>(p->x))
        b = id->obj;
    if (!b)
      return;
    c->callKind = CallKind::Builtin;
    builtinCall(c, b);
    return;
  }
  case ExprMode::Package:
    error(exprStart(f), "use of package " + shortExprString(f) + " without selector");
    return;
  default:
    break;
  }
  if (!singleValue(f)) {
    for (Expr *a : c->args)
      rawExpr(a, nullptr);
    return;
  }
  auto *sig = llvm::dyn_cast<FuncType>(f->type->underlying());
  if (!sig) {
    error(exprStart(f), "invalid operation: cannot call non-function " + desc(f));
    for (Expr *a : c->args)
      rawExpr(a, nullptr);
    return;
  }
  c->callKind = CallKind::Regular;
  if (auto *s = llvm::dyn_cast<SelectorExpr>(f))
    if (s->sel->obj && s->sel->obj->builtin != BuiltinId::None)
      c->callKind = CallKind::Builtin;
  if (!arguments(c, sig, [f] { return shortExprString(f); })) {
    // Still give the call its result type so no follow-on errors arise.
  }
  if (sig->results.empty()) {
    c->mode = ExprMode::NoValue;
  } else if (sig->results.size() == 1) {
    c->mode = ExprMode::Value;
    c->type = sig->results[0];
  } else {
    c->mode = ExprMode::Value;
    c->type = tc.tupleOf(sig->results);
  }
}

static bool isBytesOrRunes(Type *t) {
  if (auto *s = llvm::dyn_cast<SliceType>(t->underlying())) {
    TypeKind k = s->elem->underlying()->kind;
    return k == TypeKind::Uint8 || k == TypeKind::Int32;
  }
  return false;
}

void Checker::conversion(CallExpr *c, Type *t) {
  Expr *x = c->args[0];
  expr(x);
  c->callKind = CallKind::Conversion;
  if (x->mode == ExprMode::Invalid)
    return;
  Type *tu = t->underlying();
  bool constArg = x->mode == ExprMode::Constant;
  bool constType = tu->isBasic() && tu->kind != TypeKind::UnsafePointer;
  bool ok = false;
  if (constArg && constType) {
    ConstValue out;
    if (constfold::representable(*x->constVal, t, out) == Status::Ok &&
        ((x->type->isNumeric() && t->isNumeric()) || (x->type->isString() && t->isString()) ||
         (x->type->isBoolean() && t->isBoolean()))) {
      ok = true;
    } else if (x->type->isInteger() && t->isString()) {
      uint32_t cp = 0xFFFD;
      const llvm::APSInt &i = x->constVal->i;
      if (!i.isNegative() && i.getActiveBits() <= 32 && i.getZExtValue() <= 0x10FFFF)
        cp = (uint32_t)i.getZExtValue();
      std::string s;
      appendUTF8(s, cp);
      out = ConstValue::makeString(s);
      ok = true;
    }
    if (ok) {
      c->mode = ExprMode::Constant;
      c->constVal = std::make_shared<ConstValue>(out);
    }
  } else {
    Type *v = x->type;
    Type *vu = v->underlying();
    if (v->isUntyped()) {
      Type *r;
      ok = implicitType(x, t, r) == Conv::Ok;
      if (!ok && v->kind != TypeKind::UntypedNil) {
        // e.g. []byte("abc"): judge with the default type.
        Type *d = defaultOf(v);
        ok = d->underlying() == tu || (d->isString() && isBytesOrRunes(t)) ||
             (d->isInteger() && tu->kind == TypeKind::String) ||
             (d->isNumeric() && t->isNumeric());
      }
    } else if (assignableTo(x, t) || vu == tu) {
      ok = true;
    } else if ((v->isInteger() || v->isFloat()) && (t->isInteger() || t->isFloat())) {
      ok = true;
    } else if (tu->kind == TypeKind::String && (v->isInteger() || isBytesOrRunes(v))) {
      ok = true;
    } else if (vu->kind == TypeKind::String && isBytesOrRunes(t)) {
      ok = true;
    } else if (auto *sl = llvm::dyn_cast<SliceType>(vu);
               sl && llvm::isa<PointerType>(tu) &&
               llvm::isa_and_nonnull<ArrayType>(llvm::cast<PointerType>(tu)->elem->underlying()) &&
               llvm::cast<ArrayType>(llvm::cast<PointerType>(tu)->elem->underlying())->elem ==
                   sl->elem) {
      ok = true; // []T -> *[N]T (go1.17; panics at run time if len < N)
    } else if (!v->isNamed() && !t->isNamed() && llvm::isa<PointerType>(vu) &&
               llvm::isa<PointerType>(tu) &&
               llvm::cast<PointerType>(vu)->elem->underlying() ==
                   llvm::cast<PointerType>(tu)->elem->underlying()) {
      ok = true; // *T1 -> *T2 with identical underlying base types
    }
    if (ok)
      c->mode = ExprMode::Value;
  }
  if (!ok) {
    if (constArg && constType && t->isInteger() && x->constVal->kind == ConstValue::Float) {
      // gc prints the operand's value as converted to an integer, when it is
      // one ("cannot convert 1e19 (untyped float constant 10000000000000000000)
      // to type int64"). x is not used after this error, so its constant
      // becomes an Int of whatever width the value needs, for desc() only.
      if (auto v = constfold::toIntValue(*x->constVal)) {
        auto iv = std::make_shared<ConstValue>();
        iv->i = llvm::APSInt(*v, false);
        x->constVal = iv;
      }
    }
    error(exprStart(x), "cannot convert " + desc(x) + " to type " + typeStr(t));
    c->mode = ExprMode::Invalid;
    return;
  }
  if (x->type->isUntyped()) {
    Type *final = t;
    if (x->type->kind == TypeKind::UntypedNil)
      final = t;
    else if ((constArg && !constType) || (x->type->isInteger() && t->isString()) ||
             tu->kind == TypeKind::Interface)
      final = defaultOf(x->type); // types2: an interface T takes the default type
                                  // (interface{}(1<<s): the shift is an int's)
    Type *r;
    if (final == t && implicitType(x, t, r) != Conv::Ok)
      final = defaultOf(x->type);
    finalize(x, final);
  }
  c->type = t;
}

/// Whether e contains a function call or a channel receive (len(a) of an
/// array is then not a constant).
static bool hasCallOrRecv(Expr *e) {
  if (!e)
    return false;
  switch (e->kind) {
  case ExprKind::Call:
    return llvm::cast<CallExpr>(e)->callKind != CallKind::Conversion;
  case ExprKind::Unary:
    return llvm::cast<UnaryExpr>(e)->op == TokKind::Arrow ||
           hasCallOrRecv(llvm::cast<UnaryExpr>(e)->x);
  case ExprKind::Paren:
    return hasCallOrRecv(llvm::cast<ParenExpr>(e)->x);
  case ExprKind::Index:
    return hasCallOrRecv(llvm::cast<IndexExpr>(e)->x) ||
           hasCallOrRecv(llvm::cast<IndexExpr>(e)->index);
  case ExprKind::Binary:
    return hasCallOrRecv(llvm::cast<BinaryExpr>(e)->x) ||
           hasCallOrRecv(llvm::cast<BinaryExpr>(e)->y);
  case ExprKind::CompositeLit:
    for (Expr *x : llvm::cast<CompositeLit>(e)->elts)
      if (hasCallOrRecv(x))
        return true;
    return false;
  case ExprKind::KeyValue:
    return hasCallOrRecv(llvm::cast<KeyValueExpr>(e)->key) ||
           hasCallOrRecv(llvm::cast<KeyValueExpr>(e)->value);
  default:
    return false;
  }
}

void Checker::builtinCall(CallExpr *c, Object *b) {
  const std::string name = b->name;
  size_t nargs = c->args.size();
  int want = 0;
  bool variadic = false;
  switch (b->builtin) {
  case BuiltinId::Append: want = 1; variadic = true; break;
  case BuiltinId::Cap: case BuiltinId::Len: case BuiltinId::Close: case BuiltinId::Panic:
    want = 1; break;
  case BuiltinId::Copy: want = 2; break;
  case BuiltinId::Make: want = 1; variadic = true; break;
  case BuiltinId::Print: case BuiltinId::Println: want = 0; variadic = true; break;
  case BuiltinId::Complex: case BuiltinId::Real: case BuiltinId::Imag:
    unsupported(c->pos, "complex numbers");
    return;
  case BuiltinId::Delete: want = 2; break;
  case BuiltinId::New: want = 1; break;
  case BuiltinId::Recover: want = 0; break;
  default:
    return;
  }
  // copy(f()), append(f()), delete(f()): a lone multi-value call supplies
  // the arguments (go1.19's types2 unpacks it for these builtins). Its
  // results are checked below as placeholder arguments standing in args'
  // place; args is restored to the call on the way out.
  c->spreadArgs.clear();
  std::vector<Expr *> realArgs;
  // (len, cap, close and panic unpack it too, which can only end in "too
  // many arguments": irgen sees spreadArgs only on the three.)
  if (nargs == 1 && !c->hasEllipsis &&
      (b->builtin == BuiltinId::Copy || b->builtin == BuiltinId::Append ||
       b->builtin == BuiltinId::Delete || b->builtin == BuiltinId::Len ||
       b->builtin == BuiltinId::Cap || b->builtin == BuiltinId::Close ||
       b->builtin == BuiltinId::Panic) &&
      llvm::isa<CallExpr>(unparen(c->args[0]))) {
    Expr *call = c->args[0];
    multiExpr(call);
    if (call->mode == ExprMode::Invalid)
      return;
    if (auto *tt = llvm::dyn_cast_or_null<TupleType>(call->type)) {
      realArgs = c->args;
      c->args.clear();
      for (Type *t : tt->elems) {
        auto ph = std::make_unique<Ident>();
        ph->pos = call->pos;
        ph->name = shortExprString(call);
        ph->type = t;
        ph->mode = ExprMode::Value;
        preChecked.insert(ph.get());
        c->args.push_back(ph.get());
        c->spreadArgs.push_back(std::move(ph));
      }
      nargs = c->args.size();
    } else {
      preChecked.insert(call);
    }
  }
  struct RestoreArgs {
    CallExpr *c;
    std::vector<Expr *> &real;
    Checker &ck;
    ~RestoreArgs() {
      if (real.empty()) {
        if (c->args.size() == 1)
          ck.preChecked.erase(c->args[0]); // the lone call, if no path rechecked it
        return;
      }
      for (Expr *a : c->args)
        ck.preChecked.erase(a); // a placeholder an error path left unchecked
      c->args = real;
    }
  } restoreArgs{c, realArgs, *this};
  if (c->hasEllipsis && b->builtin != BuiltinId::Append) {
    error(exprStart(c), "invalid operation: invalid use of ... with built-in " + name);
    for (Expr *a : c->args)
      rawExpr(a, nullptr);
    return;
  }
  std::string msg;
  if ((int)nargs < want)
    msg = "not enough";
  else if (!variadic && (int)nargs > want)
    msg = "too many";
  if (!msg.empty()) {
    for (Expr *a : c->args)
      rawExpr(a, nullptr);
    if (!realArgs.empty())
      std::swap(c->args, realArgs); // the call as written: len(f()), not len(f(), f())
    std::string text = shortExprString(c);
    if (!realArgs.empty())
      std::swap(c->args, realArgs);
    error(exprStart(c),
          "invalid operation: " + msg + " arguments for " + text + " (expected " +
              std::to_string(want) + ", found " + std::to_string(nargs) + ")");
    return;
  }

  switch (b->builtin) {
  case BuiltinId::Len:
  case BuiltinId::Cap: {
    Expr *x = c->args[0];
    expr(x);
    if (x->mode == ExprMode::Invalid)
      return;
    Type *u = x->type->underlying();
    bool ok = false, isConst = false;
    int64_t n = 0;
    switch (u->kind) {
    case TypeKind::String:
    case TypeKind::UntypedString:
      ok = b->builtin == BuiltinId::Len;
      if (ok && x->mode == ExprMode::Constant) {
        isConst = true;
        n = (int64_t)x->constVal->s.size();
      }
      if (x->type->isUntyped())
        finalize(x, tc.stringType());
      break;
    case TypeKind::Array:
      ok = true;
      if (!hasCallOrRecv(x)) {
        isConst = true;
        n = llvm::cast<ArrayType>(u)->len;
      }
      break;
    case TypeKind::Slice:
    case TypeKind::Chan:
      ok = true;
      break;
    case TypeKind::Map:
      ok = b->builtin == BuiltinId::Len;
      break;
    case TypeKind::Pointer: // len(p) of a *[N]T is N
      if (auto *a = llvm::dyn_cast<ArrayType>(llvm::cast<PointerType>(u)->elem->underlying())) {
        ok = true;
        if (!hasCallOrRecv(x)) {
          isConst = true;
          n = a->len;
        }
      }
      break;
    default:
      break;
    }
    if (!ok) {
      error(exprStart(x), "invalid argument: " + desc(x) + " for " + name);
      return;
    }
    c->type = tc.intType();
    if (isConst) {
      c->mode = ExprMode::Constant;
      c->constVal = std::make_shared<ConstValue>(ConstValue::makeInt(n));
    } else {
      c->mode = ExprMode::Value;
    }
    return;
  }
  case BuiltinId::Delete: {
    // gc: delete(m, k) with k assignable to m's key type; no value.
    Expr *m = c->args[0], *k = c->args[1];
    expr(m);
    if (m->mode == ExprMode::Invalid) {
      expr(k);
      return;
    }
    auto *mt = llvm::dyn_cast<MapType>(m->type->underlying());
    if (!mt) {
      expr(k);
      error(exprStart(m), "invalid argument: " + desc(m) + " is not a map");
      return;
    }
    expr(k, mt->key);
    if (k->mode == ExprMode::Invalid)
      return;
    if (!assignment(k, mt->key, "argument to delete"))
      return;
    c->mode = ExprMode::NoValue;
    return;
  }
  case BuiltinId::Make: {
    Type *t = typeExpr(c->args[0]);
    for (size_t i = 1; i < nargs; ++i)
      if (!t)
        expr(c->args[i]);
    if (!t)
      return;
    Type *u = t->underlying();
    size_t minArgs = 1, maxArgs = 1;
    if (u->kind == TypeKind::Slice) {
      minArgs = 2;
      maxArgs = 3;
    } else if (u->kind == TypeKind::Chan || u->kind == TypeKind::Map) {
      maxArgs = 2;
    } else {
      for (size_t i = 1; i < nargs; ++i)
        expr(c->args[i]);
      error(exprStart(c->args[0]), "invalid argument: cannot make " + shortExprString(c->args[0]) +
                                       "; type must be slice, map, or channel");
      return;
    }
    if (nargs < minArgs || nargs > maxArgs) {
      for (size_t i = 1; i < nargs; ++i)
        expr(c->args[i]);
      error(exprStart(c), "invalid operation: " + shortExprString(c) + " expects " +
                              std::to_string(minArgs) + " or " + std::to_string(maxArgs) +
                              " arguments; found " + std::to_string(nargs));
      return;
    }
    int64_t sizes[2] = {-1, -1};
    bool ok = true;
    for (size_t i = 1; i < nargs; ++i) {
      Expr *a = c->args[i];
      expr(a);
      if (a->mode == ExprMode::Invalid) {
        ok = false;
        continue;
      }
      if (!convertUntyped(a, tc.intType())) {
        ok = false;
        continue;
      }
      if (!a->type->isInteger()) {
        error(exprStart(a), "cannot convert " + desc(a) + " to type int");
        ok = false;
        continue;
      }
      if (a->mode == ExprMode::Constant) {
        if (a->constVal->i.isNegative()) {
          error(exprStart(a), "invalid argument: index " + desc(a) + " must not be negative");
          ok = false;
          continue;
        }
        sizes[i - 1] = a->constVal->asInt64();
      }
    }
    if (ok && sizes[0] >= 0 && sizes[1] >= 0 && sizes[0] > sizes[1]) {
      error(exprStart(c->args[1]), "invalid argument: length and capacity swapped");
      return;
    }
    if (!ok)
      return;
    c->mode = ExprMode::Value;
    c->type = t;
    return;
  }
  case BuiltinId::Append: {
    Expr *s = c->args[0];
    expr(s);
    if (s->mode == ExprMode::Invalid) {
      for (size_t i = 1; i < nargs; ++i)
        expr(c->args[i]);
      return;
    }
    if (s->type->kind == TypeKind::UntypedNil) {
      error(exprStart(s), "first argument to append must be a typed slice; found untyped nil");
      return;
    }
    auto *st = llvm::dyn_cast<SliceType>(s->type->underlying());
    if (!st) {
      for (size_t i = 1; i < nargs; ++i)
        expr(c->args[i]);
      error(exprStart(s), "first argument to append must be a slice; have " + desc(s));
      return;
    }
    bool ok = true;
    if (c->hasEllipsis) {
      if (nargs != 2) {
        for (size_t i = 1; i < nargs; ++i)
          expr(c->args[i]);
        error(exprStart(c), std::string(nargs < 2 ? "not enough" : "too many") +
                                " arguments in call to append");
        return;
      }
      Expr *a = c->args[1];
      expr(a);
      if (a->mode == ExprMode::Invalid)
        return;
      // append([]byte, string...)
      if (st->elem->underlying()->kind == TypeKind::Uint8 && a->type->isString()) {
        if (a->type->isUntyped())
          finalize(a, tc.stringType());
      } else {
        ok = assignment(a, s->type->isNamed() ? tc.sliceOf(st->elem) : s->type,
                        "argument to append");
      }
    } else {
      for (size_t i = 1; i < nargs; ++i) {
        expr(c->args[i]);
        if (c->args[i]->mode == ExprMode::Invalid) {
          ok = false;
          continue;
        }
        ok &= assignment(c->args[i], st->elem, "argument to append");
      }
    }
    (void)ok;
    c->mode = ExprMode::Value;
    c->type = s->type;
    return;
  }
  case BuiltinId::Copy: {
    Expr *d = c->args[0], *s = c->args[1];
    expr(d);
    expr(s);
    if (d->mode == ExprMode::Invalid || s->mode == ExprMode::Invalid)
      return;
    auto *dt = llvm::dyn_cast<SliceType>(d->type->underlying());
    Type *su = s->type->underlying();
    auto *sst = llvm::dyn_cast<SliceType>(su);
    bool ok = dt && ((sst && sst->elem == dt->elem) ||
                     (su->isString() && dt->elem->underlying()->kind == TypeKind::Uint8));
    if (!ok) {
      if (!dt || (!sst && !su->isString()))
        error(exprStart(d), "invalid argument: copy expects slice arguments; found " + desc(d) +
                                " and " + desc(s));
      else
        error(exprStart(d), "invalid argument: arguments to copy " + desc(d) + " and " + desc(s) +
                                " have different element types " + typeStr(dt->elem) + " and " +
                                typeStr(sst ? sst->elem : s->type));
      return;
    }
    if (s->type->isUntyped())
      finalize(s, tc.stringType());
    c->mode = ExprMode::Value;
    c->type = tc.intType();
    return;
  }
  case BuiltinId::Close: {
    Expr *x = c->args[0];
    expr(x);
    if (x->mode == ExprMode::Invalid)
      return;
    auto *ct = llvm::dyn_cast<ChanType>(x->type->underlying());
    if (!ct) {
      error(exprStart(x), "invalid operation: cannot close non-channel " + desc(x));
      return;
    }
    if (ct->dir == ChanDir::Recv) {
      error(exprStart(x), "invalid operation: cannot close receive-only channel " + desc(x));
      return;
    }
    c->mode = ExprMode::NoValue;
    return;
  }
  case BuiltinId::Recover:
    // recover() interface{}: irgen passes the caller's frame (defer.cpp).
    c->mode = ExprMode::Value;
    c->type = tc.interfaceOf({});
    return;
  case BuiltinId::New: {
    Type *t = typeExpr(c->args[0]);
    if (!t)
      return;
    c->mode = ExprMode::Value;
    c->type = tc.pointerTo(t);
    return;
  }
  case BuiltinId::Panic: {
    Expr *x = c->args[0];
    expr(x);
    if (x->mode == ExprMode::Invalid)
      return;
    // panic's parameter is interface{}: untyped operands take their
    // default type; nil stays nil (go1.19: panic(nil) is allowed).
    defaultType(x);
    c->mode = ExprMode::NoValue;
    return;
  }
  case BuiltinId::Print:
  case BuiltinId::Println: {
    // println(f()) with a multi-value f prints every result.
    if (nargs == 1) {
      multiExpr(c->args[0]);
      if (c->args[0]->mode != ExprMode::Invalid && c->args[0]->type &&
          c->args[0]->type->kind == TypeKind::Tuple) {
        c->mode = ExprMode::NoValue;
        return;
      }
      if (c->args[0]->mode != ExprMode::Invalid &&
          assignment(c->args[0], nullptr, "argument to " + name))
        printable(c, c->args[0]);
      c->mode = ExprMode::NoValue;
      return;
    }
    for (Expr *a : c->args) {
      expr(a);
      if (a->mode == ExprMode::Invalid)
        continue;
      if (assignment(a, nullptr, "argument to " + name))
        printable(c, a);
    }
    c->mode = ExprMode::NoValue;
    return;
  }
  default:
    return;
  }
}

// gc's walk rejects print/println operands of struct and array types (and
// names the type on the next line); everything else print can show.
// gc finds these after type checking, at the call's '(' and only when the
// type checker found no error: they are reported at the end (lateErrors).
void Checker::printable(CallExpr *c, Expr *a) {
  if (!a->type)
    return;
  TypeKind k = a->type->underlying()->kind;
  if (k == TypeKind::Struct || k == TypeKind::Array)
    lateErrors.push_back({c->lparen.isValid() ? c->lparen : c->pos,
                          "illegal types for operand: print\n\t" + typeStr(a->type)});
}
