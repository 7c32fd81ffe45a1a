"""Where the data sits: the database, its keys and lock, the chapter, files written, the audit."""
