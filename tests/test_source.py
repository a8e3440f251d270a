"""Bytes of a records file to text: size, BOM, line ends, encodings."""

from __future__ import annotations

from generator.load.source import SourceError, decode


def test_plain_utf8_passes_through():
    assert decode("name: 张伟\n".encode()) == ("name: 张伟\n", [])


def test_bom_is_stripped_and_crlf_and_lone_cr_become_lf():
    data = b"\xef\xbb\xbfa: 1\r\nb: \xe5\xbc\xa0\rc: 3\r\n"
    assert decode(data) == ("a: 1\nb: 张\nc: 3\n", [])


def test_oversized_file_is_refused_before_decoding():
    text, errors = decode(b"\xff" * 101, max_bytes=100)  # invalid UTF-8: never looked at
    assert text is None
    assert errors == [SourceError(0, 0, "file-too-large",
                                  "the file is 101 bytes, more than the limit of 100 bytes",
                                  "split it into smaller files, e.g. one file per month")]
    assert decode(b"a" * 100, max_bytes=100) == ("a" * 100, [])


def test_gbk_file_is_recognised_with_line_and_column_of_the_first_bad_byte():
    data = "id: C0001\r\nname: 张伟\r\n".encode("gbk")
    text, errors = decode(data)
    assert text is None
    assert errors == [SourceError(
        2, 7, "not-utf8", "the file is not valid UTF-8 text: byte 0xD5 at line 2, column 7",
        "the file looks like GBK (common for Chinese editors): re-save it as UTF-8")]


def test_column_counts_characters_not_bytes():
    data = "备注: 好 ".encode() + b"\x80\n"  # 7th character, 11th byte
    text, errors = decode(data)
    assert (errors[0].line, errors[0].col, errors[0].code) == (1, 7, "not-utf8")
    assert errors[0].message == "the file is not valid UTF-8 text: byte 0x80 at line 1, column 7"


def test_not_utf8_and_not_gbk_gets_the_generic_hint():
    data = b"a: 1\nb: \x80\xff\n"
    text, errors = decode(data)
    assert text is None
    assert errors == [SourceError(
        2, 4, "not-utf8", "the file is not valid UTF-8 text: byte 0x80 at line 2, column 4",
        "re-save the file as UTF-8 (in most editors: Save As, then choose the encoding UTF-8)")]


def test_utf16_is_named():
    text, errors = decode("a: 1\n".encode("utf-16"))
    assert text is None
    assert (errors[0].line, errors[0].col, errors[0].code) == (1, 1, "not-utf8")
    assert "UTF-16" in errors[0].hint


def test_nul_byte_means_a_binary_file():
    text, errors = decode(b"a: 1\r\nb: x\x00y\n")
    assert text is None
    assert errors == [SourceError(
        2, 5, "binary-file", "the file contains a NUL byte: it is not a text file",
        "check that this is the YAML file you meant to save here; records are plain UTF-8 text")]
