// The `notebook` command: argument parsing only; the work happens in the libraries.
import NotebookCommands
NotebookCommand.main()
