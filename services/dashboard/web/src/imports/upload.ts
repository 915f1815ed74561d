import { csrfHeaders } from "../api/client";

export interface UploadResult {
  ok: boolean;
  status: number;
  body: unknown;
}

/** Post one file as multipart field `files`, reporting progress (fetch cannot, so XHR). */
export function uploadFile(file: File, onProgress: (fraction: number) => void): Promise<UploadResult> {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open("POST", "/api/runs/import");
    for (const [key, value] of Object.entries(csrfHeaders("POST"))) request.setRequestHeader(key, value);
    request.setRequestHeader("Accept", "application/json");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = request.responseText;
      }
      resolve({ ok: request.status >= 200 && request.status < 300, status: request.status, body });
    };
    request.onerror = () => resolve({ ok: false, status: 0, body: null });
    const data = new FormData();
    data.append("files", file);
    request.send(data);
  });
}
