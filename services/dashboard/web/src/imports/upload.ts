import { csrfHeaders } from "../api/client";

export interface UploadResult {
  ok: boolean;
  status: number;
  body: unknown;
}

/** Post files as one import (multipart field `files`; `asRun` names those to import as runs
 * whatever they look like), reporting progress (fetch cannot, so XHR). */
export function uploadFiles(
  files: File[],
  onProgress: (fraction: number) => void,
  asRun: string[] = [],
): Promise<UploadResult> {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open("POST", "/api/runs/import");
    for (const [key, value] of Object.entries(csrfHeaders("POST"))) request.setRequestHeader(key, value);
    request.setRequestHeader("Accept", "application/json");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = request.responseText;
      }
      resolve({ ok: request.status >= 200 && request.status < 300, status: request.status, body });
    };
    request.onerror = () => resolve({ ok: false, status: 0, body: null });
    const data = new FormData();
    for (const file of files) data.append("files", file);
    for (const name of asRun) data.append("as_run", name);
    request.send(data);
  });
}
