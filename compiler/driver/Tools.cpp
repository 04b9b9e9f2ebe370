//===- Tools.cpp - `glc trace` and `glc explore`: the scheduler tools ------===//
//
// Both are Python scripts in the source tree's scripts/ directory (python3's
// standard library only): `glc trace TRACE [-o OUT]` renders a
// GODEBUG=tracefile trace, JSON or binary (scripts/glc-trace.py render;
// `glc trace -json OUT.json TRACE` converts it instead), `glc explore
// prog.gl [-n N] [-p P] ...` searches schedules by seed
// (scripts/glc-explore.py, which is told this glc). The driver only finds
// python3 and the script and execs it.
//===----------------------------------------------------------------------===//
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

#ifndef GLC_SCRIPTS_DIR
#define GLC_SCRIPTS_DIR "scripts"
#endif

// Returns -1 if argv is not a tool command; otherwise never returns (exec)
// or returns the exit status of a failed exec.
int runToolCommand(int argc, char **argv) {
  if (argc < 2)
    return -1;
  const char *script = nullptr;
  std::vector<std::string> args;
  if (strcmp(argv[1], "trace") == 0) {
    script = "glc-trace.py";
    args.push_back("render");
  } else if (strcmp(argv[1], "explore") == 0) {
    script = "glc-explore.py";
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
      self[n] = 0;
      args.push_back("--glc");
      args.push_back(self);
    }
  } else {
    return -1;
  }
  const char *dir = getenv("GLC_SCRIPTS_DIR");
  std::string path = std::string(dir && *dir ? dir : GLC_SCRIPTS_DIR) + "/" + script;
  const char *py = getenv("PYTHON");
  std::vector<const char *> av;
  av.push_back(py && *py ? py : "python3");
  av.push_back(path.c_str());
  for (auto &a : args)
    av.push_back(a.c_str());
  for (int i = 2; i < argc; i++)
    av.push_back(argv[i]);
  av.push_back(nullptr);
  execvp(av[0], const_cast<char *const *>(av.data()));
  std::string msg = std::string("glc: cannot run ") + av[0] + " " + path + ": " + strerror(errno) + "\n";
  (void)!write(2, msg.data(), msg.size());
  return 1;
}
