"""Import and export: Excel files in and out of the database."""
