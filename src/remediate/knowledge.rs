//! What each FailureType means, in short: the catalogue of the move-report
//! reference (§6), for the next steps and the failure tables.

/// What a known FailureType means, in short (move-report reference §6).
pub fn failure_meaning(failure_type: &str) -> Option<&'static str> {
    Some(match failure_type {
        "TooManyBadItemsPermanentException" => {
            "more bad items than BadItemLimit (or a category limit) allows"
        }
        "TooManyLargeItemsPermanentException" => "more large items than LargeItemLimit allows",
        "TooManyMissingItemsPermanentException" => {
            "items found missing at verification beyond the threshold; often transient"
        }
        "CommunicationErrorTransientException" | "TimeoutErrorTransientException" => {
            "MRSProxy or network trouble between the endpoints (firewall, load balancer or \
             reverse proxy timeouts, an overloaded endpoint server); usually heals on its own"
        }
        "SourceMailboxAlreadyBeingMovedTransientException" => {
            "another job holds the mailbox; the failure just before the first lock error is the real cause"
        }
        "MailboxReplicationTransientException" => "MRS is busy or throttled; usually heals",
        "StoragePermanentException" => "a store error on one side; read the message and the side",
        "QuotaExceededException" => "the target mailbox is over its quota",
        "MapiExceptionNotFound" => "an object vanished, often a stale request",
        "MapiExceptionPartialCompletion" => {
            "a partial copy, e.g. of rules with IgnoreRuleLimitErrors; drop that switch"
        }
        "SourceMailboxConnectionStalePermanentException" => {
            "the source mailbox cannot be reached (network or MAPI connectivity to the source)"
        }
        "RecipientNotFoundPermanentException" => {
            "the mailbox GUID is not found on the target: fix provisioning (sync, mail user)"
        }
        "MigrationPermanentException" => {
            "a migration-service error (recipient, accepted domain or proxy address provisioning)"
        }
        "JobStuckPermanentException" => "the job stopped making progress (e.g. IsInteg)",
        "SourcePrincipalMappingException" => {
            "a permission entry's SID does not resolve in the source forest"
        }
        "TargetPrincipalMappingException" => {
            "a principal has no counterpart in the target (not synced, not mail-enabled, no X500)"
        }
        _ => return None,
    })
}
