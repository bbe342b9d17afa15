"""The game: extensive-form construction from the utility terms, solvers, .efg export."""
