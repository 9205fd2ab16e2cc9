// Turns AWS SDK errors into StoreErrors that name the bucket and key and never carry credentials.
import { StoreError } from "@ham/core";

interface SdkError {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

export function isNotFound(error: unknown): boolean {
  const e = error as SdkError;
  return (
    e?.name === "NoSuchKey" ||
    e?.name === "NotFound" ||
    (e?.$metadata?.httpStatusCode === 404 && !isNoSuchBucket(error))
  );
}

export function isPreconditionFailed(error: unknown): boolean {
  const e = error as SdkError;
  return e?.name === "PreconditionFailed" || e?.$metadata?.httpStatusCode === 412;
}

export function isNoSuchBucket(error: unknown): boolean {
  const e = error as SdkError;
  return e?.name === "NoSuchBucket" || e?.Code === "NoSuchBucket";
}

/** The StoreError for a failed SDK call on `s3://bucket/objectKey` (or the bucket when no key). */
export function s3StoreError(
  storeName: string,
  operation: string,
  bucket: string,
  objectKey: string | undefined,
  error: unknown,
  secrets: readonly string[],
): StoreError {
  const e = (error ?? {}) as SdkError;
  const where = objectKey === undefined ? `s3://${bucket}` : `s3://${bucket}/${objectKey}`;
  const status = e.$metadata?.httpStatusCode;
  let message: string;
  if (isNoSuchBucket(error)) {
    message = `bucket ${bucket} does not exist: create it or check the name/region`;
  } else if (e.name === "CredentialsProviderError" || (/credential/i.test(e.message ?? "") && status === undefined)) {
    message = `no AWS credentials found (${e.message ?? e.name}): set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, or pass a client`;
  } else if (e.name === "AccessDenied" || e.name === "Forbidden" || status === 403) {
    message = `access denied on ${where} (${e.name ?? "403"}): check the credentials and the bucket policy`;
  } else {
    const text = e.message && e.message !== "UnknownError" ? e.message : (e.name ?? String(error));
    message = `${e.name && !text.startsWith(e.name) ? `${e.name}: ` : ""}${text}${status ? ` (HTTP ${status})` : ""} on ${where}`;
  }
  for (const secret of secrets) message = message.split(secret).join("***");
  return new StoreError(storeName, operation, message, { cause: error });
}
