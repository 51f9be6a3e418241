# The seed's own Python client, copied verbatim from shared/seed/the-power-of-post.md
# ("Python Implementation": imports and exchange_code_for_tokens, unchanged), so the integration
# tests can show that the seed's code works against Tessera unchanged but for the domain.
# Only the wrapper at the bottom is ours.

import requests
import os
from typing import Dict, Optional

def exchange_code_for_tokens(authorization_code: str, redirect_uri: str) -> Dict:
    """
    Exchange authorization code for Auth0 tokens
    
    Args:
        authorization_code: The code received from Auth0 callback
        redirect_uri: The redirect URI used in the original auth request
        
    Returns:
        Dictionary containing tokens and metadata
        
    Raises:
        Exception: If token exchange fails
    """
    token_endpoint = f"https://{os.getenv('AUTH0_DOMAIN')}/oauth/token"
    
    payload = {
        'grant_type': 'authorization_code',
        'client_id': os.getenv('AUTH0_CLIENT_ID'),
        'client_secret': os.getenv('AUTH0_CLIENT_SECRET'),
        'code': authorization_code,
        'redirect_uri': redirect_uri
    }
    
    headers = {
        'Content-Type': 'application/json'
    }
    
    try:
        response = requests.post(token_endpoint, json=payload, headers=headers)
        response.raise_for_status()
        
        tokens = response.json()
        
        print(f"Token exchange successful")
        print(f"Access token expires in: {tokens.get('expires_in')} seconds")
        
        return {
            'access_token': tokens.get('access_token'),
            'id_token': tokens.get('id_token'),
            'refresh_token': tokens.get('refresh_token'),
            'expires_in': tokens.get('expires_in'),
            'token_type': tokens.get('token_type', 'Bearer')
        }
        
    except requests.exceptions.RequestException as e:
        print(f"Token exchange failed: {e}")
        if hasattr(e, 'response') and e.response is not None:
            print(f"Error details: {e.response.text}")
        raise Exception("Failed to exchange authorization code for tokens")


# --- Test wrapper (not part of the seed) -----------------------------------------------------
# Usage: AUTH0_DOMAIN=127.0.0.1:8080 AUTH0_CLIENT_ID=… AUTH0_CLIENT_SECRET=… \
#        python3 exchange_code_for_tokens.py CODE REDIRECT_URI
# Prints the dict the seed's function returns as one JSON line, last.
#
# The seed builds https://{AUTH0_DOMAIN}/oauth/token. The provider under test speaks plain HTTP on
# a loopback port (HTTPS comes with a later issue), so with TESSERA_SEED_SCHEME=http the wrapper
# rewrites only the scheme of the URL that requests.post receives; the seed's code runs unchanged.
if __name__ == "__main__":
    import json
    import sys

    if os.getenv("TESSERA_SEED_SCHEME") == "http":
        _post = requests.post

        def _post_over_plain_http(url, *args, **kwargs):
            if url.startswith("https://"):
                url = "http://" + url[len("https://"):]
            return _post(url, *args, **kwargs)

        requests.post = _post_over_plain_http

    print(json.dumps(exchange_code_for_tokens(sys.argv[1], sys.argv[2])))
