"""The reporting layer: figures, tables, charts and evaluations that read across every area of records
(the areas themselves stay flat in app/services/)."""
