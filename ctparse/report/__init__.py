"""Writers: every output format ctparse prints (table, markdown, csv, json, html)."""
