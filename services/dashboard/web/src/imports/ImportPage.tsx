import { Card } from "../ui/Card";
import { DropZone } from "./DropZone";

export default function ImportPage() {
  return (
    <div>
      <h1>Import runs</h1>
      <Card title="Files from your watch">
        <p className="muted">
          GPX, TCX and FIT files (also gzipped), up to 20 at once. A run already in Runnerly is recognised and kept once.
        </p>
        <DropZone />
      </Card>
    </div>
  );
}
