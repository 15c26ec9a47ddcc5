namespace Clinic.Modules.Intake.Contracts;

/// <summary>
/// A request's personal data was erased in Intake: every module removes the plain-text copies it made of it (the
/// delivery log's visitor rows, messages about it in <c>_error</c> queues). The id only; sent again whenever an
/// erasure is re-applied (after a crash or a database restore), so handlers must be idempotent.
/// </summary>
public sealed record PersonalDataErasureRequested(Guid RequestId, DateTimeOffset ErasedAt);
