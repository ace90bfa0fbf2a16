"""Events: what is published, when and where, and how many seats it has."""
