"""Every SPARQL 1.1 built-in function (Query §17.4) and the XSD casts (§17.5), with one call
of each: the table the guard's coverage test runs (``tests/sparql/test_functions.py``)."""

from __future__ import annotations

XSD = "http://www.w3.org/2001/XMLSchema#"
CASTS = tuple(XSD + t for t in ("boolean", "double", "float", "decimal", "integer", "dateTime", "string"))

# name -> an expression using it (?s an IRI, ?o any term, ?n a number, ?t a string, ?d a dateTime)
BUILT_INS = {
    "BOUND": "BOUND(?o)", "IF": "IF(true, 1, 2)", "COALESCE": "COALESCE(?o, 1)",
    "NOT EXISTS": "NOT EXISTS { ?s ?p ?o }", "EXISTS": "EXISTS { ?s ?p ?o }",
    "||": "(true || false)", "&&": "(true && false)", "=": "(1 = 1)", "sameTerm": "sameTerm(?s, ?s)",
    "IN": "(1 IN (1, 2))", "NOT IN": "(1 NOT IN (2))",
    "isIRI": "isIRI(?s)", "isURI": "isURI(?s)", "isBlank": "isBlank(?s)", "isLiteral": "isLiteral(?o)",
    "isNumeric": "isNumeric(?n)", "STR": "STR(?s)", "LANG": "LANG(?t)", "DATATYPE": "DATATYPE(?n)",
    "IRI": "IRI('http://e/x')", "URI": "URI('http://e/x')", "BNODE": "BNODE()", "BNODE(str)": "BNODE('b')",
    "RAND": "RAND()", "ABS": "ABS(?n)", "CEIL": "CEIL(?n)", "FLOOR": "FLOOR(?n)", "ROUND": "ROUND(?n)",
    "CONCAT": "CONCAT(?t, 'x')", "STRLEN": "STRLEN(?t)", "UCASE": "UCASE(?t)", "LCASE": "LCASE(?t)",
    "ENCODE_FOR_URI": "ENCODE_FOR_URI(?t)", "CONTAINS": "CONTAINS(?t, 'a')", "STRSTARTS": "STRSTARTS(?t, 'a')",
    "STRENDS": "STRENDS(?t, 'a')", "STRBEFORE": "STRBEFORE(?t, 'a')", "STRAFTER": "STRAFTER(?t, 'a')",
    "YEAR": "YEAR(?d)", "MONTH": "MONTH(?d)", "DAY": "DAY(?d)", "HOURS": "HOURS(?d)", "MINUTES": "MINUTES(?d)",
    "SECONDS": "SECONDS(?d)", "TIMEZONE": "TIMEZONE(?d)", "TZ": "TZ(?d)", "NOW": "NOW()", "UUID": "UUID()",
    "STRUUID": "STRUUID()", "MD5": "MD5(?t)", "SHA1": "SHA1(?t)", "SHA256": "SHA256(?t)", "SHA384": "SHA384(?t)",
    "SHA512": "SHA512(?t)", "STRLANG": "STRLANG('a', 'en')", "STRDT": f"STRDT('1', <{XSD}integer>)",
    "langMatches": "langMatches(LANG(?t), '*')", "REGEX": "REGEX(?t, '^a', 'i')", "SUBSTR": "SUBSTR(?t, 1, 2)",
    "REPLACE": "REPLACE(?t, 'a', 'b')",
}
AGGREGATES = {"COUNT": "COUNT(*)", "SUM": "SUM(?n)", "MIN": "MIN(?n)", "MAX": "MAX(?n)", "AVG": "AVG(?n)",
              "SAMPLE": "SAMPLE(?o)", "GROUP_CONCAT": "GROUP_CONCAT(?t; SEPARATOR=',')"}
