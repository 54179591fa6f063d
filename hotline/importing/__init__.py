"""Import of 12345 hotline record files (see the hotline file contract).

`readers` turns a CSV or XLSX file into a header and a lazy stream of raw rows;
`parsing` turns the header into a column map and each raw row into typed values.
Neither module touches Django or the database.
"""
