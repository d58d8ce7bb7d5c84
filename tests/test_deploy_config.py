"""deploy/nginx.conf, the production front server: nginx accepts it (`nginx -t`), as written and as
bin/cluster runs it, and no location serves the private files (PRIVATE_ROOT)."""

import importlib.machinery
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "nginx.conf"
CHECKOUT = PurePosixPath("/srv/lianxin")  # where the systemd units and the config put the checkout
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx 未安装（bin/setup 会安装 Debian 的 nginx）")


def cluster_module():
    loader = importlib.machinery.SourceFileLoader("lianxin_cluster", str(ROOT / "bin" / "cluster"))
    spec = importlib.util.spec_from_loader("lianxin_cluster", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def nginx_test(conf_text, prefix):
    """`nginx -t` on the text, with every path it writes under `prefix`, so any user may run it."""
    conf = prefix / "nginx.conf"
    conf.write_text(conf_text)
    result = subprocess.run(
        [NGINX, "-t", "-p", f"{prefix}/", "-c", str(conf), "-e", str(prefix / "error.log")],
        capture_output=True,
        text=True,
    )
    return result.returncode, result.stderr


def served_folders(conf_text):
    """Every folder a `root` or `alias` directive hands out."""
    return [PurePosixPath(path) for path in re.findall(r"^\s*(?:root|alias)\s+([^;\s]+)\s*;", conf_text, re.MULTILINE)]


def without_comments(text):
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


@needs_nginx
def test_nginx_accepts_the_production_config(tmp_path):
    """As installed: TLS on 443 with the certificate at /etc/lianxin/tls/ (a throwaway one here)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl 未安装：无法生成测试用证书")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True,
        capture_output=True,
    )  # fmt: skip
    text = CONF.read_text()
    for folder in ("/etc/lianxin/tls/", "/var/log/nginx/", "/var/lib/nginx/", "/run/"):
        text = text.replace(folder, f"{tmp_path}/")
    (tmp_path / "body").mkdir()
    code, output = nginx_test(text, tmp_path)
    assert code == 0, output
    assert "test is successful" in output


@needs_nginx
def test_nginx_accepts_the_config_bin_cluster_writes(tmp_path):
    text = cluster_module().nginx_conf()
    assert "listen 127.0.0.1:8080;" in text and "ssl_certificate" not in text
    for folder in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (tmp_path / folder).mkdir(parents=True)
    code, output = nginx_test(text, tmp_path)
    assert code == 0, output


def test_no_location_serves_the_private_files():
    text = without_comments(CONF.read_text())
    private = CHECKOUT / "private"  # PRIVATE_ROOT in production (README, 生产部署)
    folders = served_folders(text)
    assert sorted(folders) == [CHECKOUT / "media", CHECKOUT / "static_collected"]
    for folder in folders:
        assert folder != private and folder not in private.parents, f"nginx 会公开 {folder}"
    # Only aliases of those two folders, no `root`: a path no location names goes to Django, never to
    # the disk.
    assert not re.search(r"^\s*root\s", text, re.MULTILINE)


def test_bin_cluster_serves_neither_its_private_folder_nor_the_checkout():
    cluster = cluster_module()
    folders = [Path(folder) for folder in served_folders(without_comments(cluster.nginx_conf()))]
    assert sorted(folders) == [cluster.RUN / "media", cluster.RUN / "static"]
    private = cluster.RUN / "private"
    for folder in folders:
        assert folder != private and folder not in private.parents and folder != cluster.ROOT


def test_documents_are_never_read_straight_from_media():
    """Documents in a private collection go through Django's check at /documents/<id>/<name>."""
    text = without_comments(CONF.read_text())
    block = re.search(r"location /media/documents/ \{(.*?)\}", text, re.DOTALL)
    assert block and "return 404" in block.group(1)
