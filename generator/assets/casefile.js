/* Casefile exercises: progressive enhancement of the static forms (see issue: interactivity). */
