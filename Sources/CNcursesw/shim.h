#ifndef MAMMON_CNCURSESW_SHIM_H
#define MAMMON_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config -D flags for system modules, so wide-character ncurses is selected here.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>

// Mutable globals and macros Swift cannot import, as inline getters.
static inline WINDOW *mammon_stdscr(void) { return stdscr; }
static inline int mammon_cols(void) { return COLS; }
static inline int mammon_lines(void) { return LINES; }
#endif
