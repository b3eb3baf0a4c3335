#!/usr/bin/env python3
"""Lists the public types of the packages a module exports (module-info in src/main/module/), with the first sentence of each Javadoc: python3 tools/api-list.py llama-core."""
import os,re,sys,glob
def exported(mod):
    p=f'{mod}/src/main/module/module-info.java'
    s=open(p).read()
    return re.findall(r'^\s*exports\s+([\w.]+)\s*;', s, re.M)
def first_sentence(doc):
    doc=re.sub(r'^\s*\*\s?','',doc,flags=re.M)
    doc=re.sub(r'\{@(?:link|linkplain|code)\s+([^}]*)\}', lambda m: m.group(1).split(' ')[-1] if m.group(0).startswith('{@link') else m.group(1), doc)
    doc=re.sub(r'<[^>]+>','',doc).strip().replace('\n',' ')
    doc=re.sub(r'\s+',' ',doc)
    m=re.match(r'(.+?[.!?])(\s|$)',doc)
    t=m.group(1) if m else doc
    if len(t)>170:
        t=t[:170].rsplit(' ',1)[0].rstrip(',;:')+' …'
    return t
def types(mod,pkg):
    d=f'{mod}/src/main/java/'+pkg.replace('.','/')
    out=[]
    for f in sorted(glob.glob(d+'/*.java')):
        name=os.path.basename(f)[:-5]
        if name in ('package-info',): continue
        s=open(f).read()
        m=re.search(r'(/\*\*(?:(?!\*/).)*\*/)\s*(?:@[\w.]+(?:\([^)]*\))?\s*)*public\s+(?:(?:abstract|final|sealed|non-sealed|static)\s+)*(class|interface|record|enum|@interface)\s+'+name+r'\b', s, re.S)
        if not m:
            if re.search(r'public\s+(?:(?:abstract|final|sealed|non-sealed|static)\s+)*(class|interface|record|enum|@interface)\s+'+name+r'\b', s):
                out.append((name,'(no Javadoc)'))
            continue
        out.append((name, first_sentence(m.group(1)[3:-2])))
    return out
mod=sys.argv[1]
total=0
lines=[]
for pkg in exported(mod):
    ts=types(mod,pkg)
    total+=len(ts)
    lines.append(f'\n### `{pkg}`\n')
    lines.append('| type | what it is |\n|---|---|')
    for n,d in ts:
        esc=d.replace('|', '&#124;')
        lines.append(f'| `{n}` | {esc} |')
print(f'<!-- {total} types -->')
print('\n'.join(lines))
