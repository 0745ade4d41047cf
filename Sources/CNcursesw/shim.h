#ifndef MAMMON_CNCURSESW_SHIM_H
#define MAMMON_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config -D flags for system modules, so wide-character ncurses is selected here.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

// A pseudo-terminal for measuring the console from outside (`mammon-bench`). glibc declares these
// only for XSI sources, which the imported system modules are not built as.
extern int posix_openpt(int flags);
extern int grantpt(int fd);
extern int unlockpt(int fd);
extern int ptsname_r(int fd, char *buf, size_t buflen);
#include <fcntl.h>
static inline int mammon_open_pty(char *slave_path, size_t length) {
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0) return -1;
    if (grantpt(fd) != 0 || unlockpt(fd) != 0 || ptsname_r(fd, slave_path, length) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

// Mutable globals and macros Swift cannot import, as inline getters.
static inline WINDOW *mammon_stdscr(void) { return stdscr; }
static inline int mammon_cols(void) { return COLS; }
static inline int mammon_lines(void) { return LINES; }
static inline int mammon_colors(void) { return COLORS; }
static inline int mammon_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t mammon_attr_normal(void) { return A_NORMAL; }
static inline attr_t mammon_attr_bold(void) { return A_BOLD; }
static inline attr_t mammon_attr_dim(void) { return A_DIM; }
static inline attr_t mammon_attr_italic(void) { return A_ITALIC; }
static inline attr_t mammon_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t mammon_attr_reverse(void) { return A_REVERSE; }

static inline int mammon_key_resize(void) { return KEY_RESIZE; }
static inline int mammon_key_f0(void) { return KEY_F0; }

/// Writes one cell: up to 4 scalars (a base and combining marks), attributes and an extended pair.
static inline int mammon_put_cell(int y, int x, const wchar_t *chars, attr_t attrs, int pair) {
    cchar_t cell;
    if (setcchar(&cell, chars, attrs, 0, &pair) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

/// The string capability `name`, or NULL when the terminal has none.
static inline const char *mammon_tigetstr(const char *name) {
    char *s = tigetstr((char *)name);
    return (s == NULL || s == (char *)-1) ? NULL : s;
}

/// Whether terminfo knows `term` and it can address the cursor, without touching the screen:
/// 1 usable, 0 unknown, -1 no terminfo database, -2 cannot move the cursor.
static inline int mammon_check_term(const char *term) {
    int err = 0;
    if (setupterm((char *)term, -1, &err) != OK) return err == -1 ? -1 : 0;
    const char *cup = mammon_tigetstr("cup");
    del_curterm(cur_term);
    return cup != NULL ? 1 : -2;
}

// Signal handling. Terminating signals (TERM, INT, HUP) only wake the console's loop, which then quits
// in order. Crashes restore the terminal with async-signal-safe calls only (write, tcsetattr), then
// die with the original signal.
// Storage lives in function-local statics: Swift's importer does not emit file-scope statics of a header.
struct mammon_signal_state {
    int wake_fd;
    int tty_fd;
    volatile sig_atomic_t signal;
    int have_termios;
    struct termios saved;
    size_t restore_len;
    char restore[512];
};

static inline struct mammon_signal_state *mammon_state(void) {
    static struct mammon_signal_state state = { -1, -1, 0, 0 };
    return &state;
}

static inline void mammon_emergency_restore(void) {
    struct mammon_signal_state *s = mammon_state();
    if (s->tty_fd >= 0 && s->restore_len > 0) { ssize_t r = write(s->tty_fd, s->restore, s->restore_len); (void)r; }
    if (s->tty_fd >= 0 && s->have_termios) tcsetattr(s->tty_fd, TCSANOW, &s->saved);
}

static inline void mammon_on_terminate(int sig) {
    struct mammon_signal_state *s = mammon_state();
    s->signal = sig;
    if (s->wake_fd >= 0) { char c = 's'; ssize_t r = write(s->wake_fd, &c, 1); (void)r; }
}

static inline void mammon_on_crash(int sig) {
    mammon_emergency_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

/// Saves the shell's terminal mode of `tty_fd` (call before newterm).
static inline void mammon_save_tty(int tty_fd) {
    struct mammon_signal_state *s = mammon_state();
    s->tty_fd = tty_fd;
    s->have_termios = tcgetattr(tty_fd, &s->saved) == 0;
}

/// Installs the handlers; `restore` is what to write to the terminal on a crash (leave the alternate
/// screen, show the cursor, reset attributes).
static inline void mammon_install_signal_handlers(int wake_fd, const char *restore) {
    struct mammon_signal_state *s = mammon_state();
    s->wake_fd = wake_fd;
    size_t n = strlen(restore);
    if (n >= sizeof s->restore) n = sizeof s->restore - 1;
    memcpy(s->restore, restore, n);
    s->restore_len = n;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = mammon_on_terminate;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = mammon_on_crash;
    sa.sa_flags = SA_RESETHAND;
    int crashes[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    for (unsigned i = 0; i < sizeof crashes / sizeof crashes[0]; i++) sigaction(crashes[i], &sa, NULL);
}

/// Puts the default handlers back once the terminal is restored.
static inline void mammon_reset_signal_handlers(void) {
    int all[] = { SIGTERM, SIGINT, SIGHUP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) signal(all[i], SIG_DFL);
    mammon_state()->wake_fd = -1;
    mammon_state()->restore_len = 0;
}

static inline int mammon_pending_signal(void) { return mammon_state()->signal; }
#endif
