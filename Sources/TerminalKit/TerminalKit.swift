// TerminalKit module
