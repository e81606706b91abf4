"""Sphinx configuration of the microceph-orch documentation.

`cargo xtask docs` builds it twice, as HTML and with the spelling builder, with warnings as
errors and every cross-reference checked (`nitpicky`). Nothing here reaches the network: there
is no intersphinx, and the link checker is never run.
"""

import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent

project = 'microceph-orch'
author = 'the microceph-orch authors'
copyright = 'the microceph-orch authors'
release = tomllib.loads((ROOT / 'Cargo.toml').read_text())['workspace']['package']['version']
version = release

extensions = ['sphinxcontrib.spelling']

root_doc = 'index'
exclude_patterns = ['_build', 'how-to/output/README.txt']
nitpicky = True
highlight_language = 'none'
today_fmt = '%Y-%m-%d'

html_theme = 'alabaster'
html_title = f'microceph-orch {release}'
html_show_sourcelink = False
html_last_updated_fmt = None

# Spelling: US English, the project's words in wordlist.txt, misspellings as warnings (which the
# build turns into errors). Names from git history or package indexes are not looked up.
spelling_lang = 'en_US'
spelling_word_list_filename = 'wordlist.txt'
spelling_warning = True
spelling_show_suggestions = True
spelling_ignore_pypi_package_names = False
spelling_ignore_contributor_names = False
spelling_ignore_acronyms = True
