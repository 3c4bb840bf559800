using System.Collections.Generic;
using BqBackup.Storage;
using BqBackup.Storage.S3;
using Xunit;

namespace BqBackup.Tests.Storage.S3
{
    public class S3ConfigurationTests
    {
        private static IEnvironment Env(params (string name, string value)[] vars)
        {
            var d = new Dictionary<string, string>();
            foreach (var (n, v) in vars) d[n] = v;
            return new DictionaryEnvironment(d);
        }

        [Theory]
        [InlineData("s3://bucket", "bucket", "")]
        [InlineData("s3://bucket/", "bucket", "")]
        [InlineData("s3://my-bunqueue-backups/backups", "my-bunqueue-backups", "backups/")]
        [InlineData("S3://b.with.dots/a/b/", "b.with.dots", "a/b/")]
        public void Destinations_parse_into_bucket_and_prefix(string url, string bucket, string prefix)
        {
            var d = S3Destination.Parse(url);
            Assert.Equal(bucket, d.Bucket);
            Assert.Equal(prefix, d.Prefix);
            Assert.Equal($"s3://{bucket}/{prefix}", d.ToString());
        }

        [Theory]
        [InlineData("s3://")]
        [InlineData("s3:///prefix")]
        [InlineData("s3://Upper/x")]
        [InlineData("s3://ab/x")]
        [InlineData("s3://bad_bucket/x")]
        [InlineData("s3://bucket//x")]
        [InlineData("s3://bucket/../x")]
        public void Malformed_destinations_are_InvalidDestination_naming_the_value(string url)
        {
            var e = Assert.Throws<BqBackupException>(() => S3Destination.Parse(url));
            Assert.Equal(ErrorIds.InvalidDestination, e.ErrorId);
            Assert.Equal(url, e.TargetObject);
            Assert.Contains("s3://bucket", e.RecommendedAction);
        }

        [Fact]
        public void Parameters_win_over_bunqueues_variables()
        {
            var s = S3ClientFactory.Resolve(new S3Options { EndpointUrl = "http://127.0.0.1:9000", Region = "eu-west-1", AccessKey = "PARAM", SecretKey = "psecret" },
                Env(("S3_ENDPOINT", "http://127.0.0.1:1"), ("S3_REGION", "us-west-2"), ("S3_ACCESS_KEY_ID", "ENV"), ("S3_SECRET_ACCESS_KEY", "esecret")));
            Assert.Equal("http://127.0.0.1:9000", s.EndpointUrl);
            Assert.Equal("eu-west-1", s.Region);
            Assert.Equal("PARAM", s.AccessKey);
            Assert.Equal("parameters", s.CredentialSource);
        }

        [Fact]
        public void Bunqueues_S3_names_win_over_their_AWS_aliases()
        {
            var s = S3ClientFactory.Resolve(new S3Options(), Env(("AWS_ACCESS_KEY_ID", "AWSKEY"), ("S3_ACCESS_KEY_ID", "S3KEY"), ("S3_SECRET_ACCESS_KEY", "x"),
                ("AWS_REGION", "ap-south-1"), ("AWS_ENDPOINT", "https://s3.eu-central-003.backblazeb2.com")));
            Assert.Equal("S3KEY", s.AccessKey);
            Assert.Equal("ap-south-1", s.Region);
            Assert.Equal("https://s3.eu-central-003.backblazeb2.com", s.EndpointUrl);
            Assert.Equal("environment", s.CredentialSource);
        }

        [Fact]
        public void Without_anything_it_is_AWS_us_east_1_with_the_default_chain()
        {
            var s = S3ClientFactory.Resolve(new S3Options(), Env());
            Assert.Null(s.EndpointUrl);
            Assert.Equal("us-east-1", s.Region);
            Assert.True(s.IsAws);
            Assert.False(s.ForcePathStyle);
            Assert.Equal("default chain", s.CredentialSource);
        }

        [Theory]
        [InlineData("https://abc123.r2.cloudflarestorage.com", "auto", true)]
        [InlineData("http://minio:9000", "us-east-1", true)]
        [InlineData("https://nyc3.digitaloceanspaces.com", "us-east-1", true)]
        [InlineData("https://s3.us-west-004.backblazeb2.com", "us-east-1", true)]
        [InlineData("https://s3.eu-west-1.amazonaws.com", "us-east-1", true)]
        public void Provider_quirks_follow_from_the_endpoint(string endpoint, string region, bool pathStyle)
        {
            var s = S3ClientFactory.Resolve(new S3Options { EndpointUrl = endpoint }, Env());
            Assert.Equal(region, s.Region);
            Assert.Equal(pathStyle, s.ForcePathStyle);
            Assert.Equal(endpoint.Contains("amazonaws.com"), s.IsAws);
        }

        [Theory]
        [InlineData("1", false)]
        [InlineData("true", false)]
        [InlineData("0", true)]
        public void S3_VIRTUAL_HOSTED_STYLE_chooses_the_addressing(string value, bool pathStyle)
        {
            var s = S3ClientFactory.Resolve(new S3Options(), Env(("S3_ENDPOINT", "http://127.0.0.1:9000"), ("S3_VIRTUAL_HOSTED_STYLE", value)));
            Assert.Equal(pathStyle, s.ForcePathStyle);
            Assert.False(S3ClientFactory.Resolve(new S3Options { ForcePathStyle = false }, Env(("S3_ENDPOINT", "http://127.0.0.1:9000"))).ForcePathStyle);
        }

        [Theory]
        [InlineData("not a url")]
        [InlineData("ftp://host/")]
        public void A_malformed_endpoint_is_InvalidDestination(string endpoint)
        {
            var e = Assert.Throws<BqBackupException>(() => S3ClientFactory.Resolve(new S3Options { EndpointUrl = endpoint }, Env()));
            Assert.Equal(ErrorIds.InvalidDestination, e.ErrorId);
            Assert.Equal(endpoint, e.TargetObject);
        }

        [Fact]
        public void Half_a_key_pair_is_refused_without_showing_the_secret()
        {
            var e = Assert.Throws<BqBackupException>(() => S3ClientFactory.Resolve(new S3Options { SecretKey = "TopSecret123" }, Env()));
            Assert.Equal(ErrorIds.InvalidCredentials, e.ErrorId);
            Assert.DoesNotContain("TopSecret123", e.ToString());
        }

        [Fact]
        public void Settings_never_print_the_secret()
        {
            var s = S3ClientFactory.Resolve(new S3Options { AccessKey = "AKIAEXAMPLE", SecretKey = "TopSecret123", SessionToken = "TokenSecret" }, Env());
            Assert.DoesNotContain("TopSecret123", s.ToString());
            Assert.DoesNotContain("TopSecret123", new S3Options { SecretKey = "TopSecret123" }.ToString());
        }

        [Theory]
        [InlineData(1, 8)]
        [InlineData(1000, 8)]
        [InlineData(1001, 16)]
        [InlineData(9999, 8 << 9)]
        public void Parts_grow_so_ten_thousand_always_suffice(int partNumber, long mib)
        {
            Assert.Equal(mib << 20, S3Upload.PartSize(8 << 20, partNumber));
            long total = 0;
            for (var n = 1; n <= 10000; n++) total += S3Upload.PartSize(S3Store.DefaultPartSize, n);
            Assert.True(total > 5L << 40, "10,000 parts must hold at least 5 TiB, S3's object size limit");
        }
    }
}
