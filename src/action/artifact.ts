import { relative } from "node:path";
import type { ResultsFolder } from "../results/output.ts";

/** Uploads files as one artifact of the workflow run. */
export interface ArtifactUploader {
  upload(name: string, files: string[], rootDirectory: string): Promise<{ id?: number }>;
}

export interface UploadedArtifact {
  name: string;
  /** Where the run's page offers it for download; undefined when the upload failed. */
  url?: string;
  /** Why it was not uploaded. */
  problem?: string;
  /** The files, relative to the results folder. */
  files: string[];
}

/** The real upload service, which exists only inside a GitHub Actions job. */
export function actionsArtifactUploader(options: { available: boolean; retentionDays?: number }): ArtifactUploader {
  return {
    async upload(name, files, rootDirectory) {
      if (!options.available) throw new Error("the artifact service is not available (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set: not inside a GitHub Actions job)");
      // Loaded on use: the client is large and the post step never needs it.
      const { DefaultArtifactClient } = await import("@actions/artifact");
      const response = await new DefaultArtifactClient().uploadArtifact(name, files, rootDirectory, options.retentionDays ? { retentionDays: options.retentionDays } : {});
      return response.id !== undefined ? { id: response.id } : {};
    },
  };
}

/**
 * Uploads what prenv wrote in the results folder (results.json, junit/, logs/) as one
 * artifact, and nothing else the folder holds. Failures are returned, not thrown: a
 * missing artifact must not hide the test results.
 */
export async function uploadResults(folder: ResultsFolder, name: string, uploader: ArtifactUploader, runUrl: string | undefined): Promise<UploadedArtifact> {
  const files = folder.files();
  const shown = files.map((f) => relative(folder.dir, f));
  if (files.length === 0) return { name, files: shown, problem: "the results folder is empty" };
  try {
    const { id } = await uploader.upload(name, files, folder.dir);
    return { name, files: shown, ...(id !== undefined && runUrl ? { url: `${runUrl}/artifacts/${id}` } : {}) };
  } catch (e) {
    return { name, files: shown, problem: (e as Error).message };
  }
}
