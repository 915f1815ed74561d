import { Card } from "../ui/Card";
import { Empty, Loading } from "../ui/States";
import { useImportAvailable } from "./availability";
import { DropZone } from "./DropZone";

export default function ImportPage() {
  const available = useImportAvailable();
  return (
    <div>
      <h1>Import runs</h1>
      <Card title="Files from your watch">
        {available.isPending && <Loading />}
        {available.data === true && <DropZone />}
        {available.isSuccess && available.data === false && (
          <Empty>File import is coming: soon you can drop GPX, TCX and FIT files here. It is not available yet.</Empty>
        )}
        {available.isError && <Empty>File import is not available yet.</Empty>}
      </Card>
    </div>
  );
}
