"""Domain rules as code: pure checks over extracted values (see DOMAIN.md)."""
