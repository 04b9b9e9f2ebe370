//===- CheckLit.cpp - literals ----------------------------------------------===//
//
// Part of the expression checker; the rules it follows are described at the
// top of CheckExpr.cpp.
//===----------------------------------------------------------------------===//
#include "sema/CheckerImpl.h"
#include "parse/ASTUtil.h"

#include "lex/Lexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Error.h"

using namespace glc;
using constfold::Status;

//===----------------------------------------------------------------------===//
// Literals
//===----------------------------------------------------------------------===//

static bool parseIntLit(llvm::StringRef text, llvm::APInt &out) {
  std::string digits;
  for (char c : text)
    if (c != '_')
      digits += c;
  llvm::StringRef s(digits);
  unsigned radix = 10;
  if (s.size() > 1 && s[0] == '0') {
    char p = s[1] | 0x20;
    if (p == 'x') {
      radix = 16;
      s = s.drop_front(2);
    } else if (p == 'b') {
      radix = 2;
      s = s.drop_front(2);
    } else if (p == 'o') {
      radix = 8;
      s = s.drop_front(2);
    } else {
      radix = 8;
      s = s.drop_front(1);
    }
  }
  if (s.empty())
    return false;
  // Enough bits for any literal that could fit; checked by the caller.
  unsigned bits = std::max<unsigned>(ConstValue::kIntBits * 2, s.size() * 4 + 8);
  llvm::APInt v(bits, 0);
  if (s.getAsInteger(radix, v))
    return false;
  out = v.zextOrTrunc(std::max(bits, v.getBitWidth()));
  return true;
}

void Checker::basicLit(BasicLit *lit) {
  switch (lit->litKind) {
  case TokKind::Int: {
    llvm::APInt v;
    if (!parseIntLit(lit->text, v)) {
      error(lit->pos, "malformed constant: " + lit->text);
      return;
    }
    if (v.getActiveBits() > ConstValue::kPrecBits) {
      error(lit->pos, "constant overflow");
      return;
    }
    ConstValue c;
    c.kind = ConstValue::Int;
    c.i = llvm::APSInt(v.trunc(ConstValue::kIntBits), false);
    lit->constVal = std::make_shared<ConstValue>(c);
    lit->type = tc.basic(TypeKind::UntypedInt);
    break;
  }
  case TokKind::Float: {
    ConstValue c;
    constfold::Status st = constfold::parseFloatLit(lit->text, c);
    if (st == constfold::Status::Overflow) {
      error(lit->pos, "constant overflow");
      return;
    }
    if (st != constfold::Status::Ok) {
      error(lit->pos, "malformed constant: " + lit->text);
      return;
    }
    // An integral float literal stays a float constant (1e3 is untyped float).
    lit->constVal = std::make_shared<ConstValue>(c);
    lit->type = tc.basic(TypeKind::UntypedFloat);
    break;
  }
  case TokKind::Imag:
    unsupported(lit->pos, "complex numbers");
    return;
  case TokKind::Char: {
    uint32_t r = 0;
    if (!unquoteChar(lit->text, r)) {
      error(lit->pos, "malformed constant: " + lit->text);
      return;
    }
    lit->constVal = std::make_shared<ConstValue>(ConstValue::makeInt(r));
    lit->type = tc.basic(TypeKind::UntypedRune);
    break;
  }
  case TokKind::String: {
    std::string s;
    if (!unquoteString(lit->text, s)) {
      error(lit->pos, "malformed constant: " + lit->text);
      return;
    }
    lit->constVal = std::make_shared<ConstValue>(ConstValue::makeString(std::move(s)));
    lit->type = tc.basic(TypeKind::UntypedString);
    break;
  }
  default:
    return;
  }
  lit->mode = ExprMode::Constant;
}

void Checker::funcLit(FuncLit *f) {
  FuncType *sig = funcType(f->sig);
  if (!sig || !f->body)
    return;
  FuncCtx *parent = fn ? fn : &globFn;
  int n = ++parent->closures;
  FuncCtx ctx;
  ctx.info = &f->info;
  ctx.name = parent->topLevel ? parent->name + ".func" + std::to_string(n)
                              : parent->name + "." + std::to_string(n);
  f->info.name = ctx.name;
  FuncCtx *saved = fn;
  fn = parent;
  funcBody(ctx, f->sig, sig, f->body);
  fn = saved;
  f->mode = ExprMode::Value;
  f->type = sig;
}

void Checker::compositeLit(CompositeLit *c, Type *hint) {
  Type *t = nullptr;
  bool openArray = false;
  if (c->typeExpr) {
    auto *at = llvm::dyn_cast<ArrayTypeExpr>(c->typeExpr);
    if (at && at->dots) {
      Type *elem = typeExpr(at->elem);
      if (!elem) {
        for (Expr *e : c->elts)
          rawExpr(e, nullptr);
        return;
      }
      openArray = true;
      t = tc.arrayOf(elem, 0); // placeholder; the length comes from the elements
    } else {
      t = typeExpr(c->typeExpr);
    }
  } else if (hint) {
    t = hint;
    // [](*T){{...}}: an elided &T{...}.
    if (auto *p = llvm::dyn_cast<PointerType>(hint->underlying())) {
      TypeKind k = p->elem->underlying()->kind;
      if (k == TypeKind::Struct || k == TypeKind::Array || k == TypeKind::Slice ||
          k == TypeKind::Map) {
        compositeLit(c, p->elem);
        if (c->mode != ExprMode::Invalid)
          c->type = hint; // irgen: a literal of pointer type is an implicit &T{...}
        return;
      }
    }
  } else {
    error(c->pos, "invalid composite literal type: missing type");
    return;
  }
  if (!t) {
    for (Expr *e : c->elts)
      if (!llvm::isa<KeyValueExpr>(e))
        rawExpr(e, nullptr);
    return;
  }
  Type *u = t->underlying();
  Type *elem = nullptr;
  int64_t length = -1;
  if (auto *a = llvm::dyn_cast<ArrayType>(u)) {
    elem = a->elem;
    if (!openArray)
      length = a->len;
  } else if (auto *s = llvm::dyn_cast<SliceType>(u)) {
    elem = s->elem;
  } else if (auto *st = llvm::dyn_cast<StructType>(u)) {
    structLit(c, t, st);
    return;
  } else {
    if (auto *mt = llvm::dyn_cast<MapType>(u))
      mapLit(c, t, mt);
    else
      error(c->pos, "invalid composite literal type " + typeStr(t));
    return;
  }
  int64_t index = 0, maxIndex = 0;
  llvm::DenseMap<int64_t, bool> seen;
  bool ok = true;
  for (Expr *e : c->elts) {
    Expr *val = e;
    if (auto *kv = llvm::dyn_cast<KeyValueExpr>(e)) {
      int64_t v = -1;
      if (checkIndex(kv->key, length, false, &v)) {
        if (kv->key->mode == ExprMode::Constant) {
          index = v;
        } else {
          error(startPos(kv->key), "index " + shortExprString(kv->key) + " must be integer constant");
          ok = false;
        }
      } else {
        ok = false;
      }
      val = kv->value;
    } else if (length >= 0 && index >= length) {
      error(startPos(e), "index " + std::to_string(index) + " is out of bounds (>= " +
                             std::to_string(length) + ")");
      ok = false;
    }
    if (seen.count(index)) {
      // gc reports a duplicate key at the colon (the KeyValue node).
      llvm::SMLoc at = startPos(e);
      if (llvm::isa<KeyValueExpr>(e))
        for (const char *p = at.getPointer(); *p && *p != '\n'; ++p)
          if (*p == ':') {
            at = llvm::SMLoc::getFromPointer(p);
            break;
          }
      error(at, "duplicate index " + std::to_string(index) + " in array or slice literal");
      ok = false;
    }
    seen[index] = true;
    if (auto *inner = llvm::dyn_cast<CompositeLit>(val); inner && !inner->typeExpr)
      compositeLit(inner, elem);
    else
      expr(val, elem);
    if (!assignment(val, elem, "array or slice literal"))
      ok = false;
    ++index;
    maxIndex = std::max(maxIndex, index);
  }
  (void)ok;
  if (openArray) {
    t = tc.arrayOf(elem, maxIndex);
    c->typeExpr->type = t;
    c->typeExpr->mode = ExprMode::TypeExpr;
  }
  c->mode = ExprMode::Value;
  c->type = t;
}
