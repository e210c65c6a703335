package io.modelfleet.gateway.limits;

/**
 * What {@link Limiter#admitUpload} answers for one upload: {@link UploadAdmitted} (read the body,
 * then settle the reservation with the bytes actually stored) or {@link Refused}.
 */
public sealed interface UploadAdmission permits UploadAdmitted, Refused {}
