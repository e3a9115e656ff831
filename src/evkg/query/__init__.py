"""Asking the graph: the SPARQL lexer (:mod:`evkg.query.lexer`); the engines and helpers join it as the
package is laid out by data flow."""
