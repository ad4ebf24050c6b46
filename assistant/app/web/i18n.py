"""French for Gradio's own words: its translation keys, and the few messages its
frontend writes in English whatever the language (the upload size check, « Copy
conversation »), rewritten in the page as they appear."""

from __future__ import annotations

import json


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo"


def too_big(limit: int) -> str:
    return (f"Fichier trop volumineux : la limite est de {_megabytes(limit)} par fichier. "
            "Découpez le document, ou faites augmenter la limite par la personne qui "
            "installe Canevas (réglage CANEVAS_LIMIT_MAX_FILE_BYTES, en octets), puis "
            "relancez l'application.")


def translations() -> dict[str, str]:
    """Keys of Gradio's frontend that its French file leaves in English."""
    return {
        "chatbot.copy_message": "Copier le message",
        "chatbot.copied_message": "Message copié",
        "chatbot.like": "Utile",
        "chatbot.dislike": "Pas utile",
        "chatbot.clear": "Effacer",
        "common.error": "Erreur",
        "common.info": "Information",
        "common.warning": "Attention",
        "common.clear": "Effacer",
        "common.download": "Télécharger",
        "upload_text.click_to_upload": "Cliquez pour choisir",
        "upload_text.drop_file": "Déposez le fichier ici",
        "upload_text.or": "ou",
    }


_EXACT = {
    "Copy conversation": "Copier la conversation",
    "Copied conversation": "Conversation copiée",
    "Copy message": "Copier le message",
    "Copied message": "Message copié",
    "Copy": "Copier",
    "Copy table data": "Copier le tableau",
    "Click to upload or drop files": "Cliquez pour choisir des fichiers, ou déposez-les ici",
    "Click to view actions": "Cliquez pour voir les actions",
    "Copy code": "Copier le code",
    "Copied": "Copié",
    "Error": "Erreur",
    "Like": "Utile",
    "Dislike": "Pas utile",
    "Click to Upload": "Cliquez pour choisir",
    "Click to upload": "Cliquez pour choisir",
    "Drop File Here": "Déposez le fichier ici",
    "Drop Files Here": "Déposez les fichiers ici",
    "Cliquez pour télécharger": "Cliquez pour choisir un fichier",
    "Cliquez pour Télécharger": "Cliquez pour choisir un fichier",
    "- or -": "- ou -",
    "Loading...": "Chargement…",
    "processing": "traitement",
    "Connection errored out.": "La connexion au serveur est perdue : rechargez la page.",
}


def page_script(limit: int | None) -> str:
    """A script that rewrites Gradio's English leftovers in French as they appear."""
    message = too_big(limit) if limit else too_big(50 * 1024 * 1024)
    return ("<script>(()=>{const E=" + json.dumps(_EXACT, ensure_ascii=False)
            + ";const BIG=" + json.dumps(message, ensure_ascii=False) + r""";
const fix=(s)=>{if(!s)return s;const t=s.trim();
if(/exceed the maximum allowed size/i.test(s)){const m=s.match(/: (.*)$/);
return BIG+(m?' Fichier(s) : '+m[1].replaceAll('"','')+'.':'');}
if(/^\d+\/\d+ steps?/.test(t))return t.replace(/steps?/,'étapes');
if(/^processing\b/.test(t))return s.replace('processing','traitement');
const u=t.match(/^(\d+(?:\.\d+)?)\s?(B|KB|MB|GB)(?![\w])/);
if(u)return s.replace(u[0],u[1].replace('.',',')+' '+{B:'o',KB:'Ko',MB:'Mo',GB:'Go'}[u[2]]);
if(E[t]!==undefined)return s.replace(t,E[t]);return s;};
const walk=(n)=>{if(n.nodeType===3){
const v=fix(n.nodeValue);if(v!==n.nodeValue)n.nodeValue=v;return;}
if(n.nodeType!==1)return;for(const a of ['title','aria-label','placeholder']){
const v=n.getAttribute&&n.getAttribute(a);
if(v){const f=fix(v);if(f!==v)n.setAttribute(a,f);}}for(const c of n.childNodes)walk(c);};
const start=()=>{walk(document.body);new MutationObserver((ms)=>{for(const m of ms){
if(m.type==='characterData')walk(m.target);else if(m.type==='attributes')walk(m.target);
else for(const n of m.addedNodes)walk(n);}}).observe(document.body,{subtree:true,childList:true,
characterData:true,attributes:true,attributeFilter:['title','aria-label','placeholder']});};
if(document.body)start();else document.addEventListener('DOMContentLoaded',start);})();</script>""")
