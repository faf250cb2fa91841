package report

// encoders are every format Write knows, in the order Formats lists them.
// Add a format by writing its encoder in its own file and listing it here.
var encoders = []encoder{
	tableEncoder{},
	jsonEncoder{},
	markdownEncoder{},
	sarifEncoder{},
	htmlEncoder{},
}

// diffEncoders are every format WriteDiff knows, in the order DiffFormats
// lists them.
var diffEncoders = []diffEncoder{
	diffTableEncoder{},
	diffJSONEncoder{},
	diffMarkdownEncoder{},
	diffSARIFEncoder{},
	diffHTMLEncoder{},
}
