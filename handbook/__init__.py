"""The handbook engine: reads the pages the way the site and the tests both need them."""
