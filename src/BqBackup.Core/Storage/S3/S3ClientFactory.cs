using System;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;

namespace BqBackup.Storage.S3
{
    /// <summary>
    /// Builds the S3 client the way bunqueue's operators configure bunqueue: explicit parameters
    /// first, then bunqueue's S3_* variables (or their AWS_* aliases), then an AWS profile, then the
    /// SDK's default chain. Provider quirks follow from the endpoint, never from the user.
    /// </summary>
    public static class S3ClientFactory
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

        /// <summary>
        /// The endpoint as a URL, or null when none is given. Credentials in it (http://KEY:SECRET@host)
        /// are refused, never used or echoed; a query string (a pre-signed URL) is no endpoint either.
        /// </summary>
        public static Uri CheckEndpoint(string endpoint)
        {
            if (endpoint == null) return null;
            var shown = UrlRedaction.Redact(endpoint);
            if (UrlRedaction.HasUserInfo(endpoint))
                throw new BqBackupException(ErrorIds.EndpointHasCredentials, BqErrorCategory.InvalidArgument,
                    $"The S3 endpoint '{shown}' carries credentials in the URL; they were not used.", shown,
                    "Give the endpoint without user info (e.g. https://s3.example.com) and the keys with -AccessKey/-SecretKey, -Credential, a profile or S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY.");
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || string.IsNullOrEmpty(uri.Host)
                || uri.Query.Length > 0 || uri.Fragment.Length > 0)
                throw new BqBackupException(ErrorIds.InvalidDestination, BqErrorCategory.InvalidArgument,
                    $"The S3 endpoint '{shown}' is not an http:// or https:// URL without a query string.", shown,
                    "Give the provider's endpoint URL, e.g. https://<account>.r2.cloudflarestorage.com or http://127.0.0.1:9000.");
            return uri;
        }

        /// <summary>
        /// The S3 parameters as given, checked once before any store is opened: an endpoint that is
        /// no URL or carries credentials, half a key pair, a -Credential that is no AWSCredentials.
        /// What the environment adds is checked when a store is opened.
        /// </summary>
        public static void CheckOptions(S3Options options)
        {
            if (options == null) return;
            CheckEndpoint(options.EndpointUrl);
            if ((options.AccessKey == null) != (options.SecretKey == null))
                throw HalfKeyPair(options.AccessKey, "parameters");
            if (options.AwsCredentials != null) AwsCredentialObjects.Adapt(options.AwsCredentials);
        }

        private static BqBackupException HalfKeyPair(string accessKey, string source) =>
            new BqBackupException(ErrorIds.InvalidCredentials, BqErrorCategory.AuthenticationError,
                $"Only half of a key pair was given ({(accessKey == null ? "a secret key without an access key" : "an access key without a secret key")}, from {source}).",
                accessKey, "Give both -AccessKey and -SecretKey (or S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY), or neither.");

        public static ResolvedS3Settings Resolve(S3Options options, IEnvironment env)
        {
            var endpoint = options.EndpointUrl ?? env.First("S3_ENDPOINT", "AWS_ENDPOINT");
            var endpointUri = CheckEndpoint(endpoint);
            var isAws = endpointUri == null || endpointUri.Host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase);
            var isR2 = endpointUri != null && endpointUri.Host.EndsWith(".r2.cloudflarestorage.com", StringComparison.OrdinalIgnoreCase);

            var virtualHosted = env.First("S3_VIRTUAL_HOSTED_STYLE");
            var settings = new ResolvedS3Settings
            {
                EndpointUrl = endpointUri?.ToString().TrimEnd('/'),
                // AWS.Tools' order: -Region, the environment, the named profile's region; then the provider's default.
                Region = options.Region ?? env.First("S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION")
                    ?? AwsProfileRegion.Of(options.ProfileName, options.ProfileLocation, env) ?? (isR2 ? "auto" : "us-east-1"),
                IsAws = isAws,
                // Custom endpoints (MinIO, R2, B2, Spaces, s3rver) are reached path-style unless told otherwise.
                ForcePathStyle = options.ForcePathStyle ?? (virtualHosted != null ? !(virtualHosted == "1" || virtualHosted.Equals("true", StringComparison.OrdinalIgnoreCase)) : endpointUri != null),
                Timeout = options.Timeout ?? DefaultTimeout,
                ProfileName = options.ProfileName,
                ProfileLocation = options.ProfileLocation,
            };

            if (options.AccessKey != null || options.SecretKey != null)
            {
                settings.AccessKey = options.AccessKey;
                settings.SecretKey = options.SecretKey;
                settings.SessionToken = options.SessionToken;
                settings.CredentialSource = "parameters";
            }
            else if (options.AwsCredentials != null)
            {
                settings.Credentials = AwsCredentialObjects.Adapt(options.AwsCredentials);
                settings.CredentialSource = "-Credential (AWSCredentials)";
            }
            else if (options.ProfileName != null)
            {
                settings.CredentialSource = "profile " + options.ProfileName;
            }
            else if (env.First("S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID") != null)
            {
                settings.AccessKey = env.First("S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID");
                settings.SecretKey = env.First("S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY");
                settings.SessionToken = options.SessionToken ?? env.First("S3_SESSION_TOKEN", "AWS_SESSION_TOKEN");
                settings.CredentialSource = "environment";
            }
            else
            {
                settings.CredentialSource = "default chain";
            }
            if ((settings.AccessKey == null) != (settings.SecretKey == null))
                throw HalfKeyPair(settings.AccessKey, settings.CredentialSource);
            return settings;
        }

        public static AmazonS3Client Create(ResolvedS3Settings s)
        {
            var config = new AmazonS3Config
            {
                ForcePathStyle = s.ForcePathStyle,
                Timeout = s.Timeout,
                MaxErrorRetry = 3,
            };
            if (s.EndpointUrl != null)
            {
                config.ServiceURL = s.EndpointUrl;
                config.AuthenticationRegion = s.Region;
            }
            else
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(s.Region);
            }
            if (!s.IsAws)
            {
                // R2, B2, MinIO and s3rver reject or mangle the SDK's default flexible checksums.
                config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
                config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            }

            AWSCredentials credentials = s.Credentials;
            if (credentials == null && s.AccessKey != null)
                credentials = s.SessionToken != null
                    ? (AWSCredentials)new SessionAWSCredentials(s.AccessKey, s.SecretKey, s.SessionToken)
                    : new BasicAWSCredentials(s.AccessKey, s.SecretKey);
            else if (credentials == null && s.ProfileName != null && !new CredentialProfileStoreChain(s.ProfileLocation).TryGetAWSCredentials(s.ProfileName, out credentials))
                throw new BqBackupException(ErrorIds.InvalidCredentials, BqErrorCategory.AuthenticationError,
                    $"There is no AWS profile named '{s.ProfileName}'{(s.ProfileLocation != null ? $" in '{s.ProfileLocation}'" : "")}.", s.ProfileName,
                    s.ProfileLocation != null ? "Check -ProfileLocation and -ProfileName, or pass -AccessKey and -SecretKey." : "Check ~/.aws/credentials and ~/.aws/config, or pass -AccessKey and -SecretKey.");
            return credentials != null ? new AmazonS3Client(credentials, config) : new AmazonS3Client(config);
        }
    }
}
