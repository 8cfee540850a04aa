"""One release image, built once and pushed by digest to ECR (immutable tags, old releases collected).

Add the component provider once; it generates the Python SDK (module pulumi_immutable_infra) from the schema:
    pulumi package add https://github.com/<your-org>/immutable-infra@v0.1.0
"""
import pulumi
import pulumi_immutable_infra as immutable

config = pulumi.Config()

registry = immutable.AwsImageRegistry("registry", repository_name="shop", keep_releases=50)
image = immutable.ContainerImage(
    "image",
    context="./app",
    version=config.require("version"),
    registries=[
        {
            "name": "aws",
            "repository_url": registry.repository_url,
            "server": registry.server,
            "username": registry.username,
            "password": registry.password,
        }
    ],
)

pulumi.export("digest", image.digest)
pulumi.export("refs", image.refs)
