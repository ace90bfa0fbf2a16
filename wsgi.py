from eventdesk import create_app

app = create_app()
