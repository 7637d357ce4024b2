#!/usr/bin/env bash
# 一条命令装好一切：系统软件包（apt-get）、.venv、本项目（含开发依赖），然后在示例县上运行 demo。
# 可重复运行。  用法: ./setup.sh [--no-demo]
set -euo pipefail
cd "$(dirname "$0")"

# 只装程序真正用到的（--no-install-recommends：不带 avahi、cups 之类的推荐包）：
#   libmagic1                     按内容判别文件类型（python-magic）
#   libreoffice-writer-nogui      docx/doc/xls → PDF（生成文书、装订 Word 原件、读旧格式）
#   fonts-noto-cjk                中文字体（文书 PDF、报告、案卷，嵌入子集）
#   fonts-liberation2             与 Times New Roman/Arial 等宽的拉丁字体（LibreOffice 排版不走样）
#   tesseract-ocr(-chi-sim/-tra)  扫描件文字识别
#   poppler-utils, poppler-data   PDF 渲染为图片（OCR、页面预览、归档章避让正文）
#   postgresql                    可选的目录库服务器（[catalog] url）；测试在临时目录里起一个用完即弃的实例
#   chromium, chromium-driver     只供测试：真实浏览器里走一遍网页
APT_PACKAGES=(libmagic1 libreoffice-writer-nogui fonts-noto-cjk fonts-liberation2 tesseract-ocr tesseract-ocr-chi-sim
              tesseract-ocr-chi-tra poppler-utils poppler-data postgresql chromium chromium-driver)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> 安装系统软件包: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> 创建 .venv"
  "$PY" -m venv .venv
fi
echo "==> 安装 minzheng-archive 及开发依赖"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'

if [ "${1:-}" != "--no-demo" ]; then
  echo "==> 在示例县（青山县）上运行 minzheng demo"
  rm -rf ./minzheng-demo
  .venv/bin/minzheng --root ./minzheng-demo demo
fi
