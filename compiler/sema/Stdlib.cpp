//===- Stdlib.cpp - the built-in packages "time" and "sync" ----------------===//
//
// glc has no package loader: the members of the few standard packages GL
// programs import are built here, as objects of TypeContext, and lowered by
// irgen (IRGenStdlib.cpp) to glrt calls (runtime/abi.def, "time and sync").
//
//   time.Duration  named int64 (arithmetic and conversions work as for any
//                  named integer type); constants Nanosecond..Hour are
//                  typed Duration constants.
//   time.Timer     named struct{C <-chan Time; r [7]uint64} (64 bytes, as
//                  Go's; glrt lays out r as its own timer, abi.def);
//                  time.NewTimer(d) returns a *Timer allocated by glrt,
//                  Stop and Reset have pointer receivers. Unexported fields
//                  (r, Time's wall/ext/loc, the sync words) are invisible
//                  to main, as in Go.
//   time.Time      named type whose underlying type is Go's struct{wall
//                  uint64; ext int64; loc *time.Location} (so gc's messages
//                  match); glc keeps monotonic nanoseconds in ext, wall and
//                  loc are zero. No arithmetic on it; comparable, as in Go.
//   sync.Mutex, sync.WaitGroup, sync.Once
//                  named struct types of opaque uint32 words (8/16/12
//                  bytes); the zero value is ready to use.
//
// GL has no methods, so the methods of these types are "built-in methods":
// objects stored as package members named "Type.Method" (unreachable from
// source: an identifier has no dot), found by lookupBuiltinMethod when sema
// checks a selector x.M on a value of one of these types. Their type is
// the signature without the receiver; the call is CallKind::Builtin and
// irgen takes the receiver from the selector (its address for the sync
// types, whose methods have pointer receivers in Go).
//===----------------------------------------------------------------------===//
#include "sema/Types.h"

namespace glc {

void TypeContext::addStdlibPackages() {
  Type *i64 = basic(TypeKind::Int64);
  Type *u32 = basic(TypeKind::Uint32);
  Type *f64 = basic(TypeKind::Float64);

  auto named = [&](const char *pkg, const char *name, Type *under) {
    Object *o = newObject(ObjKind::TypeName, name, llvm::SMLoc());
    o->isGlobal = true;
    o->pkgPath = pkg;
    NamedType *t = newNamed(o);
    t->under = under;
    o->type = t;
    addPackageMember(pkg, name, o);
    return t;
  };
  auto func = [&](const char *pkg, const char *name, BuiltinId id, FuncType *sig) {
    Object *o = newObject(ObjKind::Func, name, llvm::SMLoc(), sig);
    o->builtin = id;
    o->isGlobal = true;
    o->pkgPath = pkg;
    addPackageMember(pkg, name, o);
  };
  auto method = [&](NamedType *recv, const char *name, BuiltinId id, FuncType *sig) {
    Object *o = newObject(ObjKind::Func, name, llvm::SMLoc(), sig);
    o->builtin = id;
    o->pkgPath = recv->obj->pkgPath;
    o->recvNamed = recv;
    o->ptrRecv = isPointerMethod(id);
    addPackageMember(recv->obj->pkgPath, recv->obj->name + "." + name, o);
  };

  // ---- time
  NamedType *duration = named("time", "Duration", i64);
  NamedType *location = named("time", "Location", structOf({}));
  NamedType *timeT = named("time", "Time",
                           structOf({StructField{"wall", basic(TypeKind::Uint64), false},
                                     StructField{"ext", i64, false},
                                     StructField{"loc", pointerTo(location), false}}));
  static const struct {
    const char *name;
    int64_t ns;
  } units[] = {{"Nanosecond", 1},
               {"Microsecond", 1000},
               {"Millisecond", 1000000},
               {"Second", 1000000000},
               {"Minute", 60 * 1000000000LL},
               {"Hour", 3600 * 1000000000LL}};
  for (auto &u : units) {
    Object *o = newObject(ObjKind::Const, u.name, llvm::SMLoc(), duration);
    o->constVal = std::make_shared<ConstValue>(ConstValue::makeInt(u.ns));
    o->isGlobal = true;
    o->pkgPath = "time";
    addPackageMember("time", u.name, o);
  }
  ChanType *timeChan = chanOf(timeT, ChanDir::Recv);
  func("time", "Sleep", BuiltinId::TimeSleep, funcOf({duration}, {}, false));
  func("time", "Now", BuiltinId::TimeNow, funcOf({}, {timeT}, false));
  func("time", "Since", BuiltinId::TimeSince, funcOf({timeT}, {duration}, false));
  func("time", "After", BuiltinId::TimeAfter, funcOf({duration}, {timeChan}, false));
  func("time", "Tick", BuiltinId::TimeTick, funcOf({duration}, {timeChan}, false));
  method(duration, "Seconds", BuiltinId::DurationSeconds, funcOf({}, {f64}, false));
  method(duration, "Milliseconds", BuiltinId::DurationMilliseconds, funcOf({}, {i64}, false));
  method(duration, "Microseconds", BuiltinId::DurationMicroseconds, funcOf({}, {i64}, false));
  method(duration, "Nanoseconds", BuiltinId::DurationNanoseconds, funcOf({}, {i64}, false));
  method(duration, "Minutes", BuiltinId::DurationMinutes, funcOf({}, {f64}, false));
  method(duration, "Hours", BuiltinId::DurationHours, funcOf({}, {f64}, false));
  method(timeT, "Sub", BuiltinId::TimeSub, funcOf({timeT}, {duration}, false));
  NamedType *timer = named("time", "Timer",
                           structOf({StructField{"C", timeChan, false},
                                     StructField{"r", arrayOf(basic(TypeKind::Uint64), 7), false}}));
  func("time", "NewTimer", BuiltinId::TimeNewTimer, funcOf({duration}, {pointerTo(timer)}, false));
  method(timer, "Stop", BuiltinId::TimerStop, funcOf({}, {boolType()}, false));
  method(timer, "Reset", BuiltinId::TimerReset, funcOf({duration}, {boolType()}, false));

  // ---- sync (layouts must match runtime/sync.cpp)
  auto words = [&](int64_t n) { return structOf({StructField{"_", arrayOf(u32, n), false}}); };
  NamedType *mutex = named("sync", "Mutex", words(2));
  NamedType *wg = named("sync", "WaitGroup", words(4));
  NamedType *once = named("sync", "Once", words(3));
  FuncType *noArgs = funcOf({}, {}, false);
  method(mutex, "Lock", BuiltinId::MutexLock, noArgs);
  method(mutex, "Unlock", BuiltinId::MutexUnlock, noArgs);
  method(wg, "Add", BuiltinId::WaitGroupAdd, funcOf({basic(TypeKind::Int)}, {}, false));
  method(wg, "Done", BuiltinId::WaitGroupDone, noArgs);
  method(wg, "Wait", BuiltinId::WaitGroupWait, noArgs);
  method(once, "Do", BuiltinId::OnceDo, funcOf({noArgs}, {}, false));
}

Object *TypeContext::lookupBuiltinMethod(Type *recv, llvm::StringRef name) {
  auto *n = llvm::dyn_cast_or_null<NamedType>(recv);
  if (!n || n->obj->pkgPath.empty() || n->obj->pkgPath == "main")
    return nullptr;
  return lookupPackageMember(n->obj->pkgPath, n->obj->name + "." + name.str());
}

bool TypeContext::isPointerMethod(BuiltinId id) {
  switch (id) {
  case BuiltinId::MutexLock: case BuiltinId::MutexUnlock:
  case BuiltinId::WaitGroupAdd: case BuiltinId::WaitGroupDone: case BuiltinId::WaitGroupWait:
  case BuiltinId::OnceDo:
  case BuiltinId::TimerStop: case BuiltinId::TimerReset:
    return true;
  default:
    return false;
  }
}

} // namespace glc
