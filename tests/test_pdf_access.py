"""The paper forms' PDFs are tagged (PDF/UA) and say their language, so screen readers can read them."""

import re
import subprocess
import zlib

import pytest

from forms_app.five_ones.pdf import filing_pdf
from forms_app.founding.pdf import application_pdf_bytes
from people import roles

from .test_five_ones_route import file_for
from .test_workstation_application import application_data

pytestmark = pytest.mark.django_db


def pdf_facts(pdf, tmp_path):
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    languages = set()
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            data = zlib.decompress(pdf[match.end() : end])
        except zlib.error:
            data = pdf[match.end() : end]
        languages.update(re.findall(rb"/Lang \(([^)]*)\)", data))
    languages.update(re.findall(rb"/Lang \(([^)]*)\)", pdf))
    return info, languages


def test_the_filing_and_the_application_pdfs_are_tagged_chinese(make_user, reference, members, tmp_path):
    filing = file_for(make_user(roles.SECTOR_LEADER, sector=reference["education"]), sector=reference["education"])
    from forms_app.founding import rules as founding

    application = founding.submit_application(
        make_user(roles.MEMBER, member=members["teacher"]),
        application_data(members["teacher"], reference["edu_committee"]),
        [],
    )
    for pdf in (filing_pdf(filing), application_pdf_bytes(application)):
        info, languages = pdf_facts(pdf, tmp_path)
        assert "Tagged:          yes" in info
        assert languages == {b"zh-CN"}
        assert re.search(r"Title:\s+\S", info), "the title a screen reader announces"
