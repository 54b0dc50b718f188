"""Cities, organisations, projects and networks."""
