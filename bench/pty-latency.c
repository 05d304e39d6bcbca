// Keystroke round trip through several terminal chains at once, measured from the outer
// PTY master: write one byte, time until it is read back. Compiled by bench/latency.mjs.
//
// Why C and not node-pty in the measuring process: node-pty writes through fs.write (a
// libuv thread-pool round trip) and reads through the event loop, which adds tens of
// microseconds of its own jitter to every sample, the same order as the figures measured.
//
// usage: pty-latency KEYS GAP_US COMMAND...   (each COMMAND runs as `/bin/sh -c COMMAND`
// in its own PTY and must print READY once its terminal is raw and echoing through cat)
// output: one line per sample, "<arm index> <nanoseconds>"; diagnostics on stderr.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARMS 8

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Reads from fd until `needle` was seen or timeout_ms passed. Returns 0 when seen. */
static int wait_for(int fd, const char *needle, int timeout_ms) {
  char seen[4096];
  size_t used = 0;
  long long deadline = now_ns() + (long long)timeout_ms * 1000000LL;
  while (now_ns() < deadline) {
    struct pollfd p = {fd, POLLIN, 0};
    int left = (int)((deadline - now_ns()) / 1000000LL);
    if (poll(&p, 1, left > 0 ? left : 1) <= 0) continue;
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return -1;
    if (used + (size_t)n >= sizeof seen) used = 0; /* READY is short; a full buffer of other output is discarded */
    memcpy(seen + used, buf, (size_t)n);
    used += (size_t)n;
    seen[used] = 0;
    if (strstr(seen, needle) != NULL) return 0;
  }
  return -1;
}

/* Discards whatever arrives within quiet_ms of silence. */
static void drain(int fd, int quiet_ms) {
  char buf[512];
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, quiet_ms) <= 0) return;
    if (read(fd, buf, sizeof buf) <= 0) return;
  }
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s KEYS GAP_US COMMAND...\n", argv[0]);
    return 2;
  }
  int keys = atoi(argv[1]);
  long gap_us = atol(argv[2]);
  int arms = argc - 3;
  if (arms > MAX_ARMS) return 2;
  int master[MAX_ARMS];
  pid_t pid[MAX_ARMS];
  struct winsize ws = {30, 100, 0, 0};

  for (int a = 0; a < arms; a++) {
    pid[a] = forkpty(&master[a], NULL, NULL, &ws);
    if (pid[a] < 0) {
      perror("forkpty");
      return 1;
    }
    if (pid[a] == 0) {
      execl("/bin/sh", "sh", "-c", argv[3 + a], (char *)NULL);
      _exit(127);
    }
  }
  for (int a = 0; a < arms; a++) {
    if (wait_for(master[a], "READY", 15000) != 0) {
      fprintf(stderr, "arm %d never printed READY: %s\n", a, argv[3 + a]);
      return 1;
    }
    drain(master[a], 100);
  }

  struct timespec gap = {gap_us / 1000000, (gap_us % 1000000) * 1000};
  int failures = 0;
  for (int k = 0; k < keys; k++) {
    for (int i = 0; i < arms; i++) {
      int a = (k + i) % arms; /* rotate which arm goes first */
      char key = (char)('a' + (k + i) % 26);
      long long t0 = now_ns();
      if (write(master[a], &key, 1) != 1) {
        perror("write");
        return 1;
      }
      char got = 0;
      for (;;) {
        struct pollfd p = {master[a], POLLIN, 0};
        if (poll(&p, 1, 2000) <= 0) {
          fprintf(stderr, "arm %d: no echo within 2 s\n", a);
          return 1;
        }
        ssize_t n = read(master[a], &got, 1);
        if (n == 1) break;
        if (n < 0 && errno == EINTR) continue;
        fprintf(stderr, "arm %d: read failed\n", a);
        return 1;
      }
      long long t1 = now_ns();
      if (got != key) failures++;
      printf("%d %lld\n", a, t1 - t0);
      nanosleep(&gap, NULL);
    }
  }

  for (int a = 0; a < arms; a++) {
    close(master[a]); /* hang-up: each chain exits */
    kill(pid[a], SIGHUP);
  }
  for (int a = 0; a < arms; a++) {
    for (int tries = 0; tries < 200; tries++) {
      if (waitpid(pid[a], NULL, WNOHANG) != 0) break;
      if (tries == 100) kill(pid[a], SIGKILL);
      usleep(10000);
    }
  }
  if (failures > 0) {
    fprintf(stderr, "%d keys came back as a different byte\n", failures);
    return 1;
  }
  return 0;
}
