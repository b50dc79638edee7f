"""Product pictures, drawn from the catalogue and served with caching headers."""
