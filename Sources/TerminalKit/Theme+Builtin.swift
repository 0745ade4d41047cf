// Generated from themes/*.theme (a test checks they stay equal). Built in so the console works
// without the repository, and the fallback when a theme file is broken.
extension Theme {
    /// Theme file texts by name.
    public static let builtinSources: [String: String] = [
        "default": """
            # Mammon default: dark background, the terminal's own colours where possible.
            name = default
            text = fg=default bg=default
            muted = fg=bright-black
            accent = fg=cyan bold
            ok = fg=green
            warning = fg=yellow bold
            error = fg=red bold
            border = fg=bright-black
            border-focused = fg=cyan
            title = fg=white bold
            title-focused = fg=bright-cyan bold
            header = fg=bright-white bold underline
            selected = fg=black bg=cyan
            stale = fg=black bg=yellow
            status-bar = fg=white bg=236
            key-bar = fg=white bg=235
            key-hint = fg=bright-cyan bold
            tab-active = fg=black bg=cyan
            tab-inactive = fg=white bg=236
            dialog = fg=white bg=236
            dialog-border = fg=cyan
            danger = fg=bright-red bold
            button = fg=white bg=238
            button-selected = fg=black bg=bright-cyan
            gauge-fill = fg=green
            gauge-empty = fg=238
            sparkline = fg=bright-blue
            """,
        "gruvbox-dark": """
            # Gruvbox dark (morhetz's palette): warm retro colours.
            name = gruvbox-dark
            text = fg=#ebdbb2 bg=#282828
            muted = fg=#928374
            accent = fg=#8ec07c bold
            ok = fg=#b8bb26
            warning = fg=#fabd2f bold
            error = fg=#fb4934 bold
            border = fg=#665c54
            border-focused = fg=#fe8019
            title = fg=#ebdbb2 bold
            title-focused = fg=#fe8019 bold
            header = fg=#fbf1c7 bold underline
            selected = fg=#282828 bg=#fabd2f
            stale = fg=#282828 bg=#fe8019 bold
            status-bar = fg=#ebdbb2 bg=#3c3836
            key-bar = fg=#ebdbb2 bg=#3c3836
            key-hint = fg=#fabd2f bold
            tab-active = fg=#282828 bg=#fe8019 bold
            tab-inactive = fg=#ebdbb2 bg=#3c3836
            dialog = fg=#ebdbb2 bg=#32302f
            dialog-border = fg=#fe8019
            danger = fg=#fb4934 bold
            button = fg=#ebdbb2 bg=#504945
            button-selected = fg=#282828 bg=#fabd2f bold
            gauge-fill = fg=#b8bb26
            gauge-empty = fg=#504945
            sparkline = fg=#83a598
            """,
        "high-contrast": """
            # Mammon high contrast: bright colours on black, heavy attributes, for low vision and bright rooms.
            name = high-contrast
            text = fg=bright-white bg=black
            muted = fg=white
            accent = fg=bright-yellow bold
            ok = fg=bright-green bold
            warning = fg=black bg=bright-yellow
            error = fg=bright-white bg=red bold
            border = fg=bright-white
            border-focused = fg=bright-yellow bold
            title = fg=bright-white bold
            title-focused = fg=black bg=bright-yellow
            header = fg=bright-yellow bold underline
            selected = fg=black bg=bright-white
            stale = fg=black bg=bright-yellow
            status-bar = fg=black bg=bright-white
            key-bar = fg=black bg=bright-white
            key-hint = fg=blue bold underline
            tab-active = fg=black bg=bright-yellow
            tab-inactive = fg=bright-white bg=black underline
            dialog = fg=bright-white bg=black
            dialog-border = fg=bright-yellow bold
            danger = fg=bright-white bg=red bold
            button = fg=bright-white bg=black underline
            button-selected = fg=black bg=bright-yellow
            gauge-fill = fg=bright-green bold
            gauge-empty = fg=white
            sparkline = fg=bright-cyan bold
            """,
        "light": """
            # Mammon light: dark text on a light background.
            name = light
            text = fg=#1e1e1e bg=#fafafa
            muted = fg=#6e6e6e
            accent = fg=#005f87 bold
            ok = fg=#007a3d
            warning = fg=#a15c00 bold
            error = fg=#c4161c bold
            border = fg=#9e9e9e
            border-focused = fg=#005f87
            title = fg=#1e1e1e bold
            title-focused = fg=#005f87 bold
            header = fg=#1e1e1e bold underline
            selected = fg=#ffffff bg=#005f87
            stale = fg=#1e1e1e bg=#ffd75f bold
            status-bar = fg=#1e1e1e bg=#e0e0e0
            key-bar = fg=#1e1e1e bg=#d0d0d0
            key-hint = fg=#005f87 bold
            tab-active = fg=#ffffff bg=#005f87 bold
            tab-inactive = fg=#1e1e1e bg=#e0e0e0
            dialog = fg=#1e1e1e bg=#eeeeee
            dialog-border = fg=#005f87
            danger = fg=#c4161c bold
            button = fg=#1e1e1e bg=#d0d0d0
            button-selected = fg=#ffffff bg=#005f87 bold
            gauge-fill = fg=#007a3d
            gauge-empty = fg=#c6c6c6
            sparkline = fg=#005f87
            """,
        "monochrome": """
            # Mammon monochrome: attributes only. Also used for NO_COLOR and terminals without colour.
            name = monochrome
            text = fg=default bg=default
            muted = dim
            accent = bold
            ok = fg=default
            warning = bold
            error = bold underline
            border = dim
            border-focused = bold
            title = fg=default
            title-focused = bold reverse
            header = bold underline
            selected = reverse
            stale = reverse bold
            status-bar = reverse
            key-bar = reverse
            key-hint = bold reverse
            tab-active = reverse bold
            tab-inactive = fg=default
            dialog = fg=default
            dialog-border = bold
            danger = bold reverse
            button = fg=default
            button-selected = reverse bold
            gauge-fill = bold
            gauge-empty = dim
            sparkline = fg=default
            """,
        "solarized-dark": """
            # Solarized dark (Ethan Schoonover's palette): base03 background, base0 text.
            name = solarized-dark
            text = fg=#839496 bg=#002b36
            muted = fg=#586e75
            accent = fg=#2aa198 bold
            ok = fg=#859900
            warning = fg=#b58900 bold
            error = fg=#dc322f bold
            border = fg=#586e75
            border-focused = fg=#268bd2
            title = fg=#93a1a1 bold
            title-focused = fg=#268bd2 bold
            header = fg=#93a1a1 bold underline
            selected = fg=#fdf6e3 bg=#268bd2
            stale = fg=#002b36 bg=#b58900 bold
            status-bar = fg=#93a1a1 bg=#073642
            key-bar = fg=#93a1a1 bg=#073642
            key-hint = fg=#2aa198 bold
            tab-active = fg=#fdf6e3 bg=#268bd2 bold
            tab-inactive = fg=#93a1a1 bg=#073642
            dialog = fg=#93a1a1 bg=#073642
            dialog-border = fg=#268bd2
            danger = fg=#dc322f bold
            button = fg=#93a1a1 bg=#002b36
            button-selected = fg=#fdf6e3 bg=#268bd2 bold
            gauge-fill = fg=#859900
            gauge-empty = fg=#073642
            sparkline = fg=#6c71c4
            """,
    ]
}
