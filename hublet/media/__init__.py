"""The media library: pictures checked by decoding, stripped of metadata, kept in a few widths.

``processing`` makes the files and ``storage`` keeps them.
"""
